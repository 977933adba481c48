/*
 * Limits shared by the CSV and .xlsx readers.  See table.h.
 */
#include <string.h>

#include "base/table.h"

void mz_table_limits_default(mz_table_limits *l)
{
    l->max_bytes = (size_t)50 << 20;
    l->max_entry_bytes = (size_t)400 << 20;
    l->max_total_bytes = (size_t)800 << 20;
    l->max_ratio = 100;
    l->max_rows = 10000000;
    l->max_cols = 64;
    l->max_cell = 4096;
}

int mz_table_is_xlsx(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}
