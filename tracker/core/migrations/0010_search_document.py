# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_whole_history_reasons'),
    ]

    operations = [
        AddSearchDocument('provision', ('reference', 'title', 'title_uk')),
        AddSearchDocument(
            'provision',
            ('reference', 'title', 'title_uk', 'text', 'text_uk'),
            name='search_document_full',
        ),
    ]
