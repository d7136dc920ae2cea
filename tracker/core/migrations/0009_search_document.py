# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_visibility'),
    ]

    operations = [
        AddSearchDocument('provision', ('reference', 'title', 'title_uk')),
    ]
