# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0006_whole_history_reasons'),
    ]

    operations = [
        AddSearchDocument('monitoringcheck', ('finding', 'criterion', 'criterion_uk')),
        AddSearchDocument('correctiveaction', ('description',)),
    ]
