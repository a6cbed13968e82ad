/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-task"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "xuncha-task.h"

G_DEFINE_BOXED_TYPE (XunchaTask, xuncha_task, xuncha_task_copy, xuncha_task_free)

static const char * const verify_outcomes[] = { "confirmed", "not_found", "different", NULL };
static const char * const check_outcomes[] = { "fixed", "not_fixed", "partly", NULL };
static const char * const rollcall_outcomes[] = { "present", NULL };
static const char * const patrol_outcomes[] = { "walked", NULL };
static const char * const no_outcomes[] = { NULL };

typedef struct
{
  const char *code;
  const char *label;
} Label;

static const Label kind_labels[] = {
  { "verify", N_("Verify") },
  { "check", N_("Check") },
  { "rollcall", N_("Roll call") },
  { "patrol", N_("Patrol") },
};

static const Label state_labels[] = {
  { "open", NC_("task state", "Open") },
  /* The queue page's "Accepted" is the office's acknowledgement, not this. */
  { "accepted", NC_("task state", "Accepted") },
  { "done", NC_("task state", "Done") },
  { "cancelled", NC_("task state", "Cancelled") },
  { "expired", NC_("task state", "Expired") },
};

static const Label outcome_labels[] = {
  { "confirmed", N_("Confirmed: it is as reported") },
  { "not_found", N_("Not found") },
  { "different", N_("Something else: another category") },
  { "fixed", N_("Fixed") },
  { "not_fixed", N_("Not fixed") },
  { "partly", N_("Partly fixed") },
  { "present", N_("Present") },
  { "walked", N_("Walked") },
};

static const char *
label_of (const Label *labels,
          gsize        n_labels,
          const char  *context,
          const char  *code)
{
  for (gsize i = 0; i < n_labels; i++)
    if (g_strcmp0 (labels[i].code, code) == 0)
      return context != NULL ? g_dpgettext2 (GETTEXT_PACKAGE, context, labels[i].label)
                             : _(labels[i].label);
  return code;
}

const char *
xuncha_task_kind_label (const char *kind)
{
  return label_of (kind_labels, G_N_ELEMENTS (kind_labels), NULL, kind);
}

const char *
xuncha_task_state_label (const char *state)
{
  return label_of (state_labels, G_N_ELEMENTS (state_labels), "task state", state);
}

const char *
xuncha_task_outcome_label (const char *outcome)
{
  return label_of (outcome_labels, G_N_ELEMENTS (outcome_labels), NULL, outcome);
}

XunchaTask *
xuncha_task_new (void)
{
  XunchaTask *self = g_new0 (XunchaTask, 1);

  self->lat = self->lon = self->radius_m = NAN;
  self->street_ids = g_new0 (char *, 1);
  self->photos = g_new0 (char *, 1);
  return self;
}

void
xuncha_task_free (XunchaTask *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->kind);
  g_free (self->officer_id);
  g_free (self->team);
  g_free (self->state);
  g_free (self->accepted_by);
  g_free (self->created_at);
  g_free (self->deadline);
  g_free (self->category);
  g_strfreev (self->street_ids);
  g_free (self->report_uuid);
  g_free (self->street_name);
  g_free (self->note);
  g_strfreev (self->photos);
  g_free (self->accept_at);
  g_free (self->outcome);
  g_free (self);
}

XunchaTask *
xuncha_task_copy (const XunchaTask *self)
{
  XunchaTask *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->id = g_strdup (self->id);
  copy->kind = g_strdup (self->kind);
  copy->officer_id = g_strdup (self->officer_id);
  copy->team = g_strdup (self->team);
  copy->state = g_strdup (self->state);
  copy->accepted_by = g_strdup (self->accepted_by);
  copy->created_at = g_strdup (self->created_at);
  copy->deadline = g_strdup (self->deadline);
  copy->category = g_strdup (self->category);
  copy->street_ids = g_strdupv (self->street_ids);
  copy->report_uuid = g_strdup (self->report_uuid);
  copy->street_name = g_strdup (self->street_name);
  copy->note = g_strdup (self->note);
  copy->photos = g_strdupv (self->photos);
  copy->accept_at = g_strdup (self->accept_at);
  copy->outcome = g_strdup (self->outcome);
  return copy;
}

const char * const *
xuncha_task_outcomes_for_kind (const char *kind)
{
  if (g_strcmp0 (kind, "verify") == 0)
    return verify_outcomes;
  if (g_strcmp0 (kind, "check") == 0)
    return check_outcomes;
  if (g_strcmp0 (kind, "rollcall") == 0)
    return rollcall_outcomes;
  if (g_strcmp0 (kind, "patrol") == 0)
    return patrol_outcomes;
  return no_outcomes;
}

gboolean
xuncha_task_kind_is_valid (const char *kind)
{
  return xuncha_task_outcomes_for_kind (kind)[0] != NULL;
}

gboolean
xuncha_task_outcome_is_valid (const char *kind,
                              const char *outcome)
{
  return outcome != NULL
         && g_strv_contains (xuncha_task_outcomes_for_kind (kind), outcome);
}

gboolean
xuncha_task_is_doable (const XunchaTask *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return (g_strcmp0 (self->state, "open") == 0 || g_strcmp0 (self->state, "accepted") == 0)
         && !self->taken && self->outcome == NULL;
}

gboolean
xuncha_task_is_overdue (const XunchaTask *self,
                        gint64            now_ms)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->deadline_ms > 0 && self->deadline_ms < now_ms;
}

double
xuncha_task_distance_m (const XunchaTask *self,
                        double            lat,
                        double            lon)
{
  const double earth_radius_m = 6371008.8;
  double phi1, phi2, dphi, dlambda, a;

  g_return_val_if_fail (self != NULL, NAN);

  if (isnan (self->lat) || isnan (self->lon) || isnan (lat) || isnan (lon))
    return NAN;
  /* Haversine: exact enough for "how far is it" on a city's scale. */
  phi1 = lat * G_PI / 180.0;
  phi2 = self->lat * G_PI / 180.0;
  dphi = phi2 - phi1;
  dlambda = (self->lon - lon) * G_PI / 180.0;
  a = sin (dphi / 2) * sin (dphi / 2) + cos (phi1) * cos (phi2) * sin (dlambda / 2)
      * sin (dlambda / 2);
  return 2 * earth_radius_m * asin (MIN (1.0, sqrt (a)));
}

typedef struct
{
  double lat;
  double lon;
} Here;

static gint
compare_for_inbox (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const XunchaTask *x = *(XunchaTask * const *)a;
  const XunchaTask *y = *(XunchaTask * const *)b;
  const Here *here = user_data;
  double dx, dy;

  if (x->deadline_ms != y->deadline_ms)
    return x->deadline_ms < y->deadline_ms ? -1 : 1;
  dx = xuncha_task_distance_m (x, here->lat, here->lon);
  dy = xuncha_task_distance_m (y, here->lat, here->lon);
  /* A known distance before an unknown one. */
  if (isnan (dx) != isnan (dy))
    return isnan (dx) ? 1 : -1;
  if (!isnan (dx) && dx != dy)
    return dx < dy ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

void
xuncha_task_sort (GPtrArray *tasks,
                  double     lat,
                  double     lon)
{
  Here here = { lat, lon };

  g_return_if_fail (tasks != NULL);

  g_ptr_array_sort_with_data (tasks, compare_for_inbox, &here);
}
