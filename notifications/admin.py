from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["kind", "email", "language", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", "language"]
    search_fields = ["email", "event_key"]
    readonly_fields = [f.name for f in Notification._meta.get_fields() if f.concrete]
    raw_id_fields = ["recipient"]
