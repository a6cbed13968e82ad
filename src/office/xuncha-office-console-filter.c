/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's report filter, read from a page's query: the list, the map and the
 * exports ask the records the same way. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-console-private.h"

#define tr xuncha_office_console_tr

static const char * const street_classes[] = { "strict", "class1", "class2", "other", NULL };

gboolean
xuncha_office_console_sees_all (XunchaOfficeConsolePage *page)
{
  return page->staff->role != XUNCHA_OFFICE_STAFF_ROLE_LEADER;
}

/* The Unix time of local midnight starting @date (YYYY-MM-DD), plus @days. */
static gboolean
local_day_start (const char *date,
                 int         days,
                 gint64     *seconds)
{
  int year, month, day;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) moved = NULL;
  char end;

  if (strlen (date) != 10 || sscanf (date, "%4d-%2d-%2d%c", &year, &month, &day, &end) != 3
      || date[4] != '-' || date[7] != '-' || !g_date_valid_dmy (day, month, year))
    return FALSE;
  start = g_date_time_new_local (year, month, day, 0, 0, 0);
  moved = start != NULL ? g_date_time_add_days (start, days) : NULL;
  if (moved == NULL)
    return FALSE;
  *seconds = g_date_time_to_unix (moved);
  return TRUE;
}

static void
refuse (XunchaOfficeConsolePage *page,
        const char              *message)
{
  xuncha_office_console_answer_message (page, 400, tr (page, N_("Bad request")), message);
}

XunchaOfficeReportFilter *
xuncha_office_console_read_filter (XunchaOfficeConsolePage *page)
{
  g_autoptr(XunchaOfficeReportFilter) filter = xuncha_office_report_filter_new ();
  GHashTable *query = page->query;
  const char *from = xuncha_office_console_field (query, "from");
  const char *to = xuncha_office_console_field (query, "to");
  const char *category = xuncha_office_console_field (query, "category");
  const char *street_class = xuncha_office_console_field (query, "class");

  if ((from != NULL && !local_day_start (from, 0, &filter->from_s))
      || (to != NULL && !local_day_start (to, 1, &filter->to_s)))
    {
      refuse (page, tr (page, N_("A date is written 2024-05-31 and a page is a number.")));
      return NULL;
    }
  if (category != NULL && !g_hash_table_contains (page->self->categories, category))
    {
      refuse (page, tr (page, N_("There is no such category.")));
      return NULL;
    }
  if (street_class != NULL && !g_strv_contains (street_classes, street_class))
    {
      refuse (page, tr (page, N_("A street class is strict, class1, class2 or other.")));
      return NULL;
    }
  filter->category = g_strdup (category);
  filter->street_class = g_strdup (street_class);
  filter->street_name = g_strdup (xuncha_office_console_field (query, "street"));
  filter->officer = g_strdup (xuncha_office_console_field (query, "officer"));
  filter->status = g_strdup (xuncha_office_console_field (query, "status"));
  /* Overdue: running cases whose deadline has passed (now, as the page is drawn). */
  if (xuncha_office_console_field (query, "overdue") != NULL)
    filter->overdue_before_us = g_get_real_time ();
  /* A leader sees his team, whatever he asks for. */
  filter->team = g_strdup (xuncha_office_console_sees_all (page)
                           ? xuncha_office_console_field (query, "team") : page->staff->team);
  if (!xuncha_office_console_sees_all (page) && filter->team == NULL)
    filter->team = g_strdup ("");
  return g_steal_pointer (&filter);
}

char *
xuncha_office_console_filter_query (XunchaOfficeConsolePage *page)
{
  static const char * const names[] = { XUNCHA_OFFICE_CONSOLE_FILTER_FIELDS, NULL };
  GString *text = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = xuncha_office_console_field (page->query, names[i]);

      if (value == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '&');
      g_string_append (text, names[i]);
      g_string_append_c (text, '=');
      g_string_append_uri_escaped (text, value, NULL, FALSE);
    }
  return g_string_free (text, FALSE);
}
