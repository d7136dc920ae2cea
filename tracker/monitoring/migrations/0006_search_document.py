# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0005_visibility'),
    ]

    operations = [
        AddSearchDocument('monitoringcheck', ('finding', 'criterion', 'criterion_uk')),
        AddSearchDocument('correctiveaction', ('description',)),
    ]
