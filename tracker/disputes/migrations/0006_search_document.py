# Full-text search documents, on PostgreSQL only (tracker.core.search).

from django.db import migrations

from tracker.core.search import AddSearchDocument


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0005_two_key_proposals_and_visibility'),
    ]

    operations = [
        AddSearchDocument(
            'dispute',
            ('title', 'description', 'raising_position', 'responding_position', 'resolution'),
        ),
        AddSearchDocument('disputeevent', ('text',)),
    ]
