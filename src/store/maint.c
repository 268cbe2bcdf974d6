/*
 * src/store/maint.c - store maintenance: listing a dataset's period files,
 * migrating legacy v2 files to the canonical schema, verifying every file,
 * and the inventory from footers.
 *
 * PLACEHOLDERS: these entry points are declared in dccd/store.h and are
 * being implemented; until then they return DCCD_EUNSUPPORTED with a
 * message saying so (never a silent success).
 */
#include <stdlib.h>

#include "store/store_int.h"

void dccd_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int dccd_store_list_files(dccd_store *s, const dccd_dataset *ds, char ***paths, size_t *n, dccd_error *err)
{
    (void)s, (void)ds;
    *paths = NULL;
    *n = 0;
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "list_files: not implemented yet");
}

int dccd_store_migrate(dccd_store *s, const dccd_dataset *ds, bool dry_run, dccd_file_fn cb, void *ctx,
                       dccd_migrate_report *rep, dccd_error *err)
{
    (void)s, (void)ds, (void)dry_run, (void)cb, (void)ctx;
    if (rep)
        *rep = (dccd_migrate_report){0};
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "migrate: not implemented yet");
}

int dccd_store_verify(dccd_store *s, const dccd_dataset *ds, dccd_file_fn cb, void *ctx, dccd_verify_report *rep,
                      dccd_error *err)
{
    (void)s, (void)ds, (void)cb, (void)ctx;
    if (rep)
        *rep = (dccd_verify_report){0};
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "verify: not implemented yet");
}

int dccd_store_inventory(dccd_store *s, dccd_inventory_entry **out, size_t *n, dccd_error *err)
{
    (void)s;
    *out = NULL;
    *n = 0;
    return dccd_err_set(err, DCCD_EUNSUPPORTED, "inventory: not implemented yet");
}
