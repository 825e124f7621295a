from django.contrib import admin

from billing.models import ConnectedAccount, StripeEvent


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "created", "received_at", "processed_at", "result", "attempts"]
    list_filter = ["type"]
    search_fields = ["event_id"]
    readonly_fields = [f.name for f in StripeEvent._meta.get_fields() if f.concrete]


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin[ConnectedAccount]):
    list_display = ["specialist", "account_id", "charges_enabled", "payouts_enabled", "state_as_of"]
    raw_id_fields = ["specialist"]
    readonly_fields = ["charges_enabled", "payouts_enabled", "details_submitted", "state_as_of"]
