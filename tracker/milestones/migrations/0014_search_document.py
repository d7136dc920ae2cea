# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('milestones', '0013_whole_history_reasons'),
    ]

    operations = [
        AddSearchDocument('milestone', ('title', 'title_uk')),
        AddSearchDocument(
            'milestone',
            ('title', 'title_uk', 'description', 'description_uk'),
            name='search_document_full',
        ),
        AddSearchDocument('progressupdate', ('note',)),
    ]
