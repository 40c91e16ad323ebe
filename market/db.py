"""Engine, sessions and column types shared by every package.

SQLite needs help to behave like a server database (docs/rules.md §9): WAL, a busy timeout, foreign keys,
and `BEGIN IMMEDIATE` so that a transaction takes the write lock up front (SQLite ignores
`FOR UPDATE`). Times are stored as timezone-aware UTC on both engines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Integer, any_, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata = SQLModel.metadata


#: Tables that are not models, left out of autogenerate: full-text indexes and the scheduler's own.
EXCLUDED_TABLES = {"apscheduler_jobs"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: compare only tables the models describe."""
    return not (type_ == "table" and (name in EXCLUDED_TABLES or name.startswith("search_")))


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the engine returns."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _configure_sqlite(engine: Engine) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, issue BEGIN (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Reads (the full-text index above all) through the OS page cache, not copied into SQLite's own.
        cursor.execute("PRAGMA mmap_size=1073741824")
        # A page cache of up to 128 MiB per connection instead of 2 MiB (a KiB count when negative).
        cursor.execute("PRAGMA cache_size=-131072")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


#: Where a session made by a `Database` keeps a reference to it (`Session.info`).
_SESSION_KEY = "market.db"


class Database:
    """Holds the engine and what sessions bind to (tests bind to one connection and roll back)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self.bind: Engine | Connection | None = None
        #: Like Flask's `app.extensions`, for what code holding only a session needs from the
        #: app's configuration (the search port): packages attach it here at `init_app`, and
        #: `Database.of(session)` finds it again without an application context.
        self.extensions: dict[str, object] = {}

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return Session(
            bind=self.bind if self.bind is not None else self.engine,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
            info={_SESSION_KEY: self},
        )

    @staticmethod
    def of(session: Session) -> Database | None:
        """The Database that made `session`; None for a session made some other way."""
        return session.info.get(_SESSION_KEY)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error (CLI, jobs)."""
        with self.session() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def in_ids(session: Session, column, ids) -> ColumnElement[bool]:
    """`column IN ids` for a list of integer ids that may be long (an opening passes its
    thousand bidders): on PostgreSQL `column = ANY(:ids)` with the list as ONE array parameter,
    elsewhere the usual `IN (…)`. An expanded `IN` of 1,000 values renders 1,000 bound
    parameters, each with its cast, which psycopg must then find again in the SQL text, not
    cached for a text that long: a few milliseconds of Python per statement."""
    ids = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)
