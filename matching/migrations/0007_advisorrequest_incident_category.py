
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0006_engagement_closing_tax_withholding'),
    ]

    operations = [
        migrations.AddField(
            model_name='advisorrequest',
            name='incident_category',
            field=models.CharField(blank=True, choices=[('ransomware', 'Ransomware'), ('business_email_compromise', 'Business e-mail compromise'), ('phishing', 'Phishing'), ('unauthorised_access', 'Unauthorised access'), ('web_defacement', 'Web defacement'), ('lost_device', 'Lost or stolen device'), ('insider', 'Insider'), ('other', 'Other')], default='', max_length=30, verbose_name='incident category'),
        ),
        migrations.AddConstraint(
            model_name='advisorrequest',
            constraint=models.CheckConstraint(condition=models.Q(('incident_category', ''), ('kind', 'incident'), _connector='OR'), name='incident_category_only_on_incidents'),
        ),
    ]
