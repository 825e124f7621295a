// The console's lists (web/console/bank.py): "tick every row of this page" for a bulk decision.
// Without JavaScript the box stays hidden and each row is ticked by hand.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-tick-all]").forEach((all) => { all.hidden = false; });
});
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-tick-all]");
  if (!all) return;
  const box = all.querySelector("input");
  document.querySelectorAll(`input[name="${all.dataset.tickAll}"]`).forEach((row) => { row.checked = box.checked; });
});
