"""Registry-number series and executors chosen from the register.

- organisations.registry_format: an organisation's series, e.g. "RS {year}-{number:05d}"; empty for the
  existing ones (no series: numbers stay typed by hand until the secretariat sets a format).
- registry_counters: the last number taken per organisation and year (starts empty: the first number
  reserved in a year is 1, and a number already used by hand is skipped when reserved).
- decisions.executor_group_id / executor_person_id / executor_organisation_id and
  decision_dispatches.recipient_person_id / recipient_group_id / recipient_organisation_id.

Data carried over: an existing decision whose free-text executor is, after trimming, exactly the name
(same case) of one and only one active group, person or organisation – counting all three together – gets
that reference and its free text is emptied; texts that match none or several stay as they are. A dispatch
recipient matching in the same way gets the reference and keeps its name (the list reads as sent). These
changes are not written to the change log (the migration is no user). The downgrade writes the referenced
names back into the free-text executor before dropping the columns.

Reviewed by hand: server default only while adding the NOT NULL column, the data steps, the downgrade.

Revision ID: 7a8ed20a96df
Revises: d2f77a988dcd
Create Date: 2026-11-30 13:25:47.241077

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a8ed20a96df'
down_revision = 'd2f77a988dcd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registry_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_registry_counters_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_counters')),
    sa.UniqueConstraint('organisation_id', 'year', name='uq_registry_counters_organisation_year')
    )
    with op.batch_alter_table('decision_dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_decision_dispatches_recipient_group_id_groups'), 'groups', ['recipient_group_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_decision_dispatches_recipient_person_id_people'), 'people', ['recipient_person_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_decision_dispatches_recipient_organisation_id_organisations'), 'organisations', ['recipient_organisation_id'], ['id'])

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('executor_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('executor_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('executor_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_decisions_executor_group_id'), ['executor_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_executor_organisation_id'), ['executor_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_executor_person_id'), ['executor_person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_decisions_executor_organisation_id_organisations'), 'organisations', ['executor_organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_decisions_executor_person_id_people'), 'people', ['executor_person_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_decisions_executor_group_id_groups'), 'groups', ['executor_group_id'], ['id'])

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registry_format', sa.String(length=60), nullable=False, server_default=''))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('registry_format', server_default=None)

    _carry_executors_over()



def downgrade():
    _write_executor_names_back()
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('registry_format')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decisions_executor_group_id_groups'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_decisions_executor_person_id_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_decisions_executor_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_decisions_executor_person_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_executor_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_executor_group_id'))
        batch_op.drop_column('executor_organisation_id')
        batch_op.drop_column('executor_person_id')
        batch_op.drop_column('executor_group_id')

    with op.batch_alter_table('decision_dispatches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decision_dispatches_recipient_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_decision_dispatches_recipient_person_id_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_decision_dispatches_recipient_group_id_groups'), type_='foreignkey')
        batch_op.drop_column('recipient_organisation_id')
        batch_op.drop_column('recipient_group_id')
        batch_op.drop_column('recipient_person_id')

    op.drop_table('registry_counters')


def _unique_names(connection) -> dict[str, tuple[str, int]]:
    """Name → (kind, id) for names that belong to exactly one active group, person or organisation."""
    seen: dict[str, list[tuple[str, int]]] = {}
    for kind, table in (("group", "groups"), ("person", "people"), ("organisation", "organisations")):
        rows = connection.execute(sa.text(f"SELECT id, name FROM {table} WHERE archived_at IS NULL"))
        for record_id, name in rows:
            seen.setdefault(name, []).append((kind, record_id))
    return {name: found[0] for name, found in seen.items() if len(found) == 1}


def _carry_executors_over():
    connection = op.get_bind()
    names = _unique_names(connection)
    columns = {"group": "executor_group_id", "person": "executor_person_id", "organisation": "executor_organisation_id"}
    for decision_id, executor in connection.execute(sa.text(
            "SELECT id, executor FROM decisions WHERE executor <> ''")).all():
        match = names.get(executor.strip())
        if match:
            connection.execute(sa.text(f"UPDATE decisions SET {columns[match[0]]} = :ref, executor = '' WHERE id = :id"),
                               {"ref": match[1], "id": decision_id})
    columns = {"group": "recipient_group_id", "person": "recipient_person_id",
               "organisation": "recipient_organisation_id"}
    for dispatch_id, recipient in connection.execute(sa.text("SELECT id, recipient FROM decision_dispatches")).all():
        match = names.get(recipient.strip())
        if match:
            connection.execute(sa.text(f"UPDATE decision_dispatches SET {columns[match[0]]} = :ref WHERE id = :id"),
                               {"ref": match[1], "id": dispatch_id})


def _write_executor_names_back():
    connection = op.get_bind()
    for column, table in (("executor_group_id", "groups"), ("executor_person_id", "people"),
                          ("executor_organisation_id", "organisations")):
        connection.execute(sa.text(
            f"UPDATE decisions SET executor = (SELECT name FROM {table} WHERE {table}.id = decisions.{column}) "
            f"WHERE {column} IS NOT NULL AND executor = ''"))
