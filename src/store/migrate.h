/*
 * Migrations: numbered .sql files in src/store/migrations, embedded into the
 * binary at build time (cmake/embed_migrations.cmake).  A file's SQL may use
 * dialect tokens, replaced before it runs:
 *   {{pk}}    INTEGER PRIMARY KEY AUTOINCREMENT  |  BIGSERIAL PRIMARY KEY
 *   {{blob}}  BLOB                               |  BYTEA
 * Applied versions are recorded in schema_migrations(version, name, applied_at).
 * Each migration runs in its own transaction; on PostgreSQL an advisory lock
 * makes concurrent starts of several processes safe.
 */
#ifndef MZ_STORE_MIGRATE_H
#define MZ_STORE_MIGRATE_H

#include "store/store.h"

struct mz_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct mz_migration mz_migrations[];
extern const int mz_migrations_count;

/* Applies every pending migration.  0, or negative with a message in err. */
int mz_migrate(mz_db *db, char *err, size_t errlen);
/* Highest applied version, 0 for an empty database, negative on error. */
int mz_schema_version(mz_db *db);
/* The highest version this binary knows. */
int mz_schema_latest(void);

#endif
