"""Writes for matching, one module per job; import the module you need (nothing is re-exported here).

- `requests`: an SME's request: create, update, publish, cancel; stale open requests expire.
- `runs`: match runs: start (one live per chamber), execute under a lock with a heartbeat,
  re-send stalled ones, the nightly runs.
- `proposals`: a run's proposals: approve, reject, accept, decline; unanswered or
  unqualified ones expire; reminders; a suspension withdraws a specialist's proposals.
- `engagements`: select a proposal with its terms, complete, terminate, end at notice, review.

Imports run one way: `requests -> runs, proposals`; `engagements -> proposals`; `runs` and
`proposals` import no other service module. The Freelance Act's rules on terms are pure
functions in `matching.terms`, the run parameters' bounds in `matching.parameters`.
"""
