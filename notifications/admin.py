from django.contrib import admin

from notifications.models import DigestMail, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["kind", "email", "language", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", "language"]
    search_fields = ["email", "event_key"]
    readonly_fields = [f.name for f in Notification._meta.get_fields() if f.concrete]
    raw_id_fields = ["recipient"]


@admin.register(DigestMail)
class DigestMailAdmin(admin.ModelAdmin[DigestMail]):
    list_display = ["email", "day", "language", "created_at", "sent_at", "attempts"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in DigestMail._meta.get_fields() if f.concrete]
    raw_id_fields = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    raw_id_fields = ["user"]
