# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0006_whole_history_reasons'),
    ]

    operations = [
        AddSearchDocument(
            'dispute',
            ('title', 'description', 'raising_position', 'responding_position', 'resolution'),
        ),
        AddSearchDocument('disputeevent', ('text',)),
    ]
