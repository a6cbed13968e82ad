/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-coverage"

#include "config.h"

#include "xuncha-coverage-private.h"

G_DEFINE_BOXED_TYPE (XunchaCoverage, xuncha_coverage, xuncha_coverage_ref, xuncha_coverage_unref)

void
xuncha_coverage_options_init (XunchaCoverageOptions *options)
{
  g_return_if_fail (options != NULL);

  options->radius_m = 25.0;
  options->min_fraction = 0.6;
  options->max_join_m = 100.0;
  options->max_join_ms = 60 * 1000;
  options->max_accuracy_m = 0;
}

static GPtrArray *
new_id_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (list, NULL);
  return list;
}

XunchaCoverage *
xuncha_coverage_new (const XunchaCoverageOptions *options,
                     GHashTable                  *known_ids)
{
  XunchaCoverage *self = g_atomic_rc_box_new0 (XunchaCoverage);

  self->options = *options;
  self->known_ids = g_hash_table_ref (known_ids);
  self->fractions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->walked_ids = new_id_list ();
  self->missed_ids = new_id_list ();
  self->unknown_ids = new_id_list ();
  return self;
}

static void
coverage_clear (gpointer data)
{
  XunchaCoverage *self = data;

  g_hash_table_unref (self->known_ids);
  g_hash_table_unref (self->fractions);
  g_ptr_array_unref (self->walked_ids);
  g_ptr_array_unref (self->missed_ids);
  g_ptr_array_unref (self->unknown_ids);
}

XunchaCoverage *
xuncha_coverage_ref (XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
xuncha_coverage_unref (XunchaCoverage *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, coverage_clear);
}

const XunchaCoverageOptions *
xuncha_coverage_get_options (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->options;
}

double
xuncha_coverage_get_track_length_m (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->track_length_m;
}

guint
xuncha_coverage_get_n_fixes_used (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_fixes_used;
}

const char * const *
xuncha_coverage_get_walked_ids (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *)self->walked_ids->pdata;
}

guint
xuncha_coverage_get_n_walked (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->walked_ids->len - 1;
}

double
xuncha_coverage_get_fraction (const XunchaCoverage *self,
                              const char           *segment_id)
{
  const double *fraction;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (segment_id != NULL, -1);

  if (!g_hash_table_contains (self->known_ids, segment_id))
    return -1;
  fraction = g_hash_table_lookup (self->fractions, segment_id);
  return fraction != NULL ? *fraction : 0;
}

guint
xuncha_coverage_get_n_assigned (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_assigned;
}

guint
xuncha_coverage_get_n_assigned_walked (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_assigned_walked;
}

double
xuncha_coverage_get_percent_by_count (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  if (self->n_assigned == 0)
    return 0;
  return 100.0 * self->n_assigned_walked / self->n_assigned;
}

double
xuncha_coverage_get_percent_by_length (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  if (self->assigned_length_m <= 0)
    return 0;
  return 100.0 * self->covered_length_m / self->assigned_length_m;
}

double
xuncha_coverage_get_assigned_length_m (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->assigned_length_m;
}

double
xuncha_coverage_get_covered_length_m (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->covered_length_m;
}

const char * const *
xuncha_coverage_get_missed_ids (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *)self->missed_ids->pdata;
}

const char * const *
xuncha_coverage_get_unknown_ids (const XunchaCoverage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *)self->unknown_ids->pdata;
}
