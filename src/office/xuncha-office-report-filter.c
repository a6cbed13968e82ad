/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include "xuncha-office-report-filter.h"

XunchaOfficeReportFilter *
xuncha_office_report_filter_new (void)
{
  XunchaOfficeReportFilter *filter = g_new0 (XunchaOfficeReportFilter, 1);

  filter->from_s = G_MININT64;
  filter->to_s = G_MAXINT64;
  return filter;
}

void
xuncha_office_report_filter_free (XunchaOfficeReportFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->category);
  g_free (filter->street_name);
  g_free (filter->street_class);
  g_free (filter->team);
  g_free (filter->officer);
  g_free (filter->status);
  g_free (filter);
}

gboolean
xuncha_office_report_filter_created_s (const char *created_at,
                                       gint64     *seconds)
{
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (seconds != NULL, FALSE);

  time = created_at != NULL ? g_date_time_new_from_iso8601 (created_at, NULL) : NULL;
  if (time == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (time);
  return TRUE;
}

void
xuncha_office_report_count_free (XunchaOfficeReportCount *count)
{
  if (count == NULL)
    return;
  g_free (count->key);
  g_free (count->detail);
  g_free (count);
}
