/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "xuncha-office-shift-coverage.h"

char *
xuncha_office_shift_coverage_assigned_sha256 (const char * const *assigned_ids)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_return_val_if_fail (assigned_ids != NULL, NULL);

  /* Each id ends with a NUL, so that no two lists of ids hash the same bytes. */
  for (guint i = 0; assigned_ids[i] != NULL; i++)
    g_checksum_update (checksum, (const guchar *)assigned_ids[i], strlen (assigned_ids[i]) + 1);
  return g_strdup (g_checksum_get_string (checksum));
}

gboolean
xuncha_office_shift_coverage_is_current (const XunchaOfficeShiftCoverage *coverage,
                                         gint64                           n_points,
                                         gint64                           newest_seq,
                                         gint64                           streets_revision,
                                         const char                      *assigned_sha256)
{
  g_return_val_if_fail (assigned_sha256 != NULL, FALSE);

  return coverage != NULL && coverage->n_points == n_points
         && coverage->newest_seq == newest_seq
         && coverage->streets_revision == streets_revision
         && g_strcmp0 (coverage->assigned_sha256, assigned_sha256) == 0;
}

char *
xuncha_office_shift_coverage_ids_to_json (const char * const *ids)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  g_return_val_if_fail (ids != NULL, NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    json_array_add_string_element (array, ids[i]);
  json_node_take_array (node, array);
  return json_to_string (node, FALSE);
}

void
xuncha_office_shift_coverage_free (XunchaOfficeShiftCoverage *coverage)
{
  if (coverage == NULL)
    return;
  g_free (coverage->assigned_sha256);
  g_strfreev (coverage->walked_ids);
  g_free (coverage);
}
