/*
 * The synthetic city (minzheng gen): a deterministic population of 宿迁 for
 * the demo, the tests and the benchmark suite (bench/).  Nothing here is a
 * real person: names are drawn from short lists of common surnames and given
 * names, ID numbers are built from the county's address code, a birth date
 * and a sequence number, with their GB 11643 check character.
 *
 * The shape follows the city, roughly: persons spread over the six
 * county-level units and their 1,440 villages and communities (the real codes
 * of data/regions/321300.csv), ages from a Jiangsu-like pyramid (about 18 %
 * under 18, 23 % aged 60 or over, 3.5 % aged 80 or over), households of mean
 * size about 2.9 built from family types (couples with children, three
 * generations, elders living alone, children left with grandparents …),
 * disability, labour capacity, serious illness, self-care, schooling, incomes
 * and assets; about 3 % of persons in 低保 households, 0.4 % 特困 and 4 % in
 * 低保边缘 households, whose declared incomes make them so under the default
 * policy (a 低保 standard of opts->standard_fen; 特困 basic living 1.3 ×
 * standard, care amounts 0 / 300 / 600 yuan — docs/policy-defaults.md).
 *
 * The same options give byte-identical files: one integer PRNG
 * (xoshiro256**, seeded by splitmix64 from the seed), no floating point, no
 * clock, no iteration over hash tables.  The files are CSV, UTF-8 without BOM,
 * a Chinese header row, codes as the API spells them, money in yuan with two
 * decimals — the layout is documented in docs/templates/registry.md.
 *
 * Beside the registry files, the departments' data about the same people goes
 * into OUT/evidence/<kind>.csv, one file per department source in exactly the
 * template `minzheng import --source KIND` reads (its Chinese headers in the
 * declared order): deaths, pensions, social insurance, unemployment benefit,
 * hospital costs, property, vehicles, business registrations, housing fund,
 * income tax, deposits and disability certificates — about two records per
 * person.  They agree with persons.csv, incomes.csv and assets.csv except for
 * the discrepancies planted on purpose for verification and monitoring to
 * find (an undeclared vehicle in a share of 低保 households, …), each an
 * exact share of the households or persons it can concern, counted in the
 * manifest.  The rates and the planted shares are documented in
 * docs/templates/synthetic.md.  The evidence draws from a second PRNG stream
 * seeded from the same seed, so the registry files are the same with or
 * without it.
 */
#ifndef MZ_CLI_GEN_H
#define MZ_CLI_GEN_H

#include <stdint.h>

#include "base/error.h"

typedef struct mz_gen_options {
    int64_t persons;      /* 1 .. 100,000,000 */
    uint64_t seed;        /* any */
    const char *out_dir;  /* created when missing; files in it are replaced */
    const char *regions;  /* the region CSV, e.g. data/regions/321300.csv */
    int as_of;            /* day number ages and months are counted at */
    int64_t standard_fen; /* the 低保 standard the incomes and amounts assume */
    int progress;         /* 1: a progress line on stderr every million persons */
} mz_gen_options;

/* The department sources written, in this order (evidence source codes). */
#define MZ_GEN_EV_N 12
extern const char *const mz_gen_ev_sources[MZ_GEN_EV_N];

typedef struct mz_gen_counts {
    int64_t persons, households, incomes, assets;
    int64_t dibao_households, dibao_persons, tekun_persons, edge_households, edge_persons;
    int64_t aged80, under18, aged60;
    int64_t ev[MZ_GEN_EV_N]; /* rows per department source, as mz_gen_ev_sources */
    int64_t ev_total;
    /* Deaths: all, and those of members of households with an enrollment. */
    int64_t deaths, deaths_enrolled;
    /* Planted discrepancies: how many households (persons for disability) got one. */
    int64_t planted_vehicle, planted_property, planted_business, planted_employment,
        planted_pension, planted_deposit, planted_disability, planted_medical;
} mz_gen_counts;

/*
 * Writes households.csv, persons.csv, incomes.csv, assets.csv,
 * enrollments.csv, evidence/<kind>.csv for each of mz_gen_ev_sources and
 * manifest.txt (the options and the counts) into opts->out_dir.  0, or -1 with err (400
 * invalid_value naming the option, or 500 internal for a file that cannot be read or written).
 * *counts (may be NULL) gets what was written.
 */
int mz_gen_city(const mz_gen_options *opts, mz_gen_counts *counts, mz_error *err);

/* minzheng gen --persons N --seed S --out DIR [--as-of YYYY-MM-DD] [--standard YUAN] */
int mz_cmd_gen(const char *data_dir, int argc, char **argv);

#endif
