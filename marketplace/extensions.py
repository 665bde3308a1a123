"""Flask extensions, created unbound and initialised in create_app()."""

import contextlib
import sqlite3

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

from marketplace.dbtypes import TYPE_MAP

#: Constraint names that Alembic can reproduce on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map=TYPE_MAP
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)  # limits: web.init_extensions and views


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(conn, _name) -> None:
    """On SQLite, open the transaction before a SAVEPOINT taken before any write.

    The sqlite3 driver opens a transaction only before a write, so such a SAVEPOINT started a
    transaction of its own and its RELEASE committed it: a request rolled back at the edge kept
    what it had inserted in the savepoint (a join request, a vote). A deferred BEGIN first makes
    the savepoint nest as on PostgreSQL; locking is what it was (taken at the first write).
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN")


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, _record) -> None:
    """A SQLite file is kept in write-ahead-log mode (it stays so once set): the pages read
    while the worker delivers mail, or an import writes, wait for no writer, and a writer for
    no reader; commits stay durable (``synchronous`` is left at FULL). Not for a database in
    memory, which has no log."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if not dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:
        return
    # When another process holds the file, the next connection sets it.
    with contextlib.suppress(sqlite3.OperationalError):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
