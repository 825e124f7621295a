"""The words an incident report and what reads it share: categories, TLP 2.0 labels, cost
categories. No models here, so `matching.models` can name a request's category without
importing the incidents app's models (which import matching's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentCategory(models.TextChoices):
    RANSOMWARE = "ransomware", _("Ransomware")
    BUSINESS_EMAIL_COMPROMISE = "business_email_compromise", _("Business e-mail compromise")
    PHISHING = "phishing", _("Phishing")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access")
    WEB_DEFACEMENT = "web_defacement", _("Web defacement")
    LOST_DEVICE = "lost_device", _("Lost or stolen device")
    INSIDER = "insider", _("Insider")
    OTHER = "other", _("Other")


class Tlp(models.TextChoices):
    """FIRST TLP 2.0 labels, from the most open to the most restricted."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


# Who reads a shared report (incidents.selectors.shared_incidents_visible_to):
# the chamber's member companies' people read these...
TLP_FOR_MEMBERS = (Tlp.CLEAR, Tlp.GREEN)
# ...named member organisations (the report's recipients) read these too...
TLP_FOR_RECIPIENTS = (Tlp.AMBER,)
# ...and these never leave the chamber's admins.
TLP_ADMINS_ONLY = (Tlp.AMBER_STRICT, Tlp.RED)
# What the STIX export carries: RED is for named people in a conversation, never a file.
TLP_EXPORTED = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT)


class CostCategory(models.TextChoices):
    """What an incident engagement's invoice paid for (a support program names those it covers)."""

    FORENSICS = "forensics", _("Investigation and forensics")
    RECOVERY = "recovery", _("Recovery")
    LEGAL = "legal", _("Legal advice")
    NOTIFICATION = "notification", _("Notification and call centre")
    OTHER = "other", _("Other")
