
import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_chamber_platform_fee_bps'),
        ('matching', '0005_proposal_key_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IncidentReport',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('category', models.CharField(choices=[('ransomware', 'Ransomware'), ('business_email_compromise', 'Business e-mail compromise'), ('phishing', 'Phishing'), ('unauthorised_access', 'Unauthorised access'), ('web_defacement', 'Web defacement'), ('lost_device', 'Lost or stolen device'), ('insider', 'Insider'), ('other', 'Other')], max_length=30, verbose_name='category')),
                ('occurred_on', models.DateField(verbose_name='happened on')),
                ('discovered_on', models.DateField(verbose_name='found on')),
                ('summary', models.TextField(blank=True, default='', max_length=8000, verbose_name='what happened')),
                ('what_worked', models.TextField(blank=True, default='', max_length=4000, verbose_name='what worked')),
                ('hashes', models.JSONField(blank=True, default=list, verbose_name='file hashes')),
                ('domains', models.JSONField(blank=True, default=list, verbose_name='domains')),
                ('ips', models.JSONField(blank=True, default=list, verbose_name='IP addresses')),
                ('email_senders', models.JSONField(blank=True, default=list, verbose_name='e-mail senders')),
                ('techniques', models.JSONField(blank=True, default=list, verbose_name='ATT&CK techniques')),
                ('victim_domains', models.JSONField(blank=True, default=list, verbose_name='our own domains')),
                ('victim_ips', models.JSONField(blank=True, default=list, verbose_name='our own IP addresses and networks')),
                ('tlp', models.CharField(choices=[('clear', 'TLP:CLEAR'), ('green', 'TLP:GREEN'), ('amber', 'TLP:AMBER'), ('amber+strict', 'TLP:AMBER+STRICT'), ('red', 'TLP:RED')], default='amber', max_length=15, verbose_name='TLP label')),
                ('losses', models.TextField(blank=True, default='', max_length=4000, verbose_name='what was lost')),
                ('loss_jpy', models.PositiveBigIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(1000000000000)], verbose_name='what it cost (JPY)')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incident_reports', to='accounts.company')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('engagement', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='incident_report', to='matching.engagement')),
            ],
            options={
                'verbose_name': 'incident report',
                'verbose_name_plural': 'incident reports',
                'ordering': ['-created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SharedIncident',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('deidentified', 'De-identified'), ('approved', 'Approved by the company'), ('shared', 'Shared'), ('withdrawn', 'Withdrawn')], default='draft', max_length=15, verbose_name='status')),
                ('tlp', models.CharField(choices=[('clear', 'TLP:CLEAR'), ('green', 'TLP:GREEN'), ('amber', 'TLP:AMBER'), ('amber+strict', 'TLP:AMBER+STRICT'), ('red', 'TLP:RED')], max_length=15, verbose_name='TLP label')),
                ('category', models.CharField(choices=[('ransomware', 'Ransomware'), ('business_email_compromise', 'Business e-mail compromise'), ('phishing', 'Phishing'), ('unauthorised_access', 'Unauthorised access'), ('web_defacement', 'Web defacement'), ('lost_device', 'Lost or stolen device'), ('insider', 'Insider'), ('other', 'Other')], max_length=30, verbose_name='category')),
                ('title', models.CharField(blank=True, default='', max_length=200, verbose_name='title')),
                ('summary', models.TextField(blank=True, default='', verbose_name='what happened')),
                ('what_worked', models.TextField(blank=True, default='', verbose_name='what worked')),
                ('indicators', models.JSONField(blank=True, default=dict, verbose_name='indicators')),
                ('occurred_month', models.DateField(blank=True, null=True, verbose_name='month it happened')),
                ('discovered_month', models.DateField(blank=True, null=True, verbose_name='month it was found')),
                ('industry', models.CharField(blank=True, choices=[('manufacturing', 'Manufacturing, construction, transport'), ('wholesale', 'Wholesale'), ('retail', 'Retail (including restaurants)'), ('services', 'Services'), ('other', 'Other')], max_length=20, verbose_name='industry')),
                ('region', models.CharField(blank=True, choices=[('hokkaido', '北海道 / Hokkaido'), ('tohoku', '東北 / Tohoku'), ('kanto', '関東 / Kanto'), ('chubu', '中部 / Chubu'), ('kinki', '近畿 / Kinki'), ('chugoku', '中国 / Chugoku'), ('shikoku', '四国 / Shikoku'), ('kyushu_okinawa', '九州・沖縄 / Kyushu and Okinawa')], max_length=20, verbose_name='region')),
                ('size_class', models.CharField(blank=True, default='', max_length=15, verbose_name='size class')),
                ('digest', models.CharField(blank=True, default='', max_length=64)),
                ('deidentified_at', models.DateTimeField(blank=True, null=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('shared_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('chamber', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shared_incidents', to='accounts.chamber')),
                ('recipients', models.ManyToManyField(blank=True, related_name='+', to='accounts.company', verbose_name='recipients')),
                ('report', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='shared', to='incidents.incidentreport')),
                ('shared_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'shared incident',
                'verbose_name_plural': 'shared incidents',
                'ordering': ['-shared_at', '-created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SharingPolicy',
            fields=[
                ('chamber', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='accounts.chamber')),
                ('k_threshold', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(2), django.core.validators.MaxValueValidator(50)], verbose_name='organisations per published cell (k)')),
                ('dominance_percent', models.PositiveSmallIntegerField(default=80, help_text='A loss total is not published where one organisation is over this share of it.', validators=[django.core.validators.MinValueValidator(50), django.core.validators.MaxValueValidator(99)], verbose_name='largest share of a loss total (%)')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'incident sharing policy',
                'verbose_name_plural': 'incident sharing policies',
                'constraints': [models.CheckConstraint(condition=models.Q(('k_threshold__gte', 2), ('k_threshold__lte', 50)), name='sharing_k_2_to_50'), models.CheckConstraint(condition=models.Q(('dominance_percent__gte', 50), ('dominance_percent__lte', 99)), name='sharing_dominance_50_to_99')],
            },
        ),
        migrations.AddConstraint(
            model_name='incidentreport',
            constraint=models.CheckConstraint(condition=models.Q(('discovered_on__gte', models.F('occurred_on'))), name='incident_found_after_it_happened'),
        ),
        migrations.AddConstraint(
            model_name='incidentreport',
            constraint=models.CheckConstraint(condition=models.Q(('loss_jpy__isnull', True), ('loss_jpy__lte', 1000000000000), _connector='OR'), name='incident_loss_bounded'),
        ),
        migrations.AddIndex(
            model_name='sharedincident',
            index=models.Index(fields=['chamber', 'status'], name='shared_incident_chamber_idx'),
        ),
        migrations.AddConstraint(
            model_name='sharedincident',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'withdrawn']), models.Q(('digest', ''), _negated=True), _connector='OR'), name='shared_incident_has_digest_once_deidentified'),
        ),
        migrations.AddConstraint(
            model_name='sharedincident',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'shared'), _negated=True), ('shared_at__isnull', False), _connector='OR'), name='shared_incident_has_shared_at'),
        ),
    ]
