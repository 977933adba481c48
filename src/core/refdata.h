/*
 * Reference data shipped in data/: the region registry (every CSV file in data/regions)
 * and the holiday calendar (data/calendar/cn-holidays.csv).  Loaded into the
 * database by `minzheng migrate` when the tables are empty, or on demand.
 */
#ifndef MZ_CORE_REFDATA_H
#define MZ_CORE_REFDATA_H

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

/* Loads what is missing (or everything when force).  Runs its own transaction; audited. */
int mz_refdata_load(mz_db *db, const mz_actor *actor, const char *data_dir, int force,
                    mz_error *err);
/* Loads one registry CSV (see mz_region_load_csv) in its own transaction; audited. */
int mz_refdata_import_regions(mz_db *db, const mz_actor *actor, const char *path, mz_error *err);

#endif
