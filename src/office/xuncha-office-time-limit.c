/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-time-limit.h"

XunchaOfficeTimeLimit *
xuncha_office_time_limit_new (const char           *category,
                              guint                 amount,
                              XunchaOfficeTimeUnit  unit)
{
  XunchaOfficeTimeLimit *limit;

  g_return_val_if_fail (category != NULL, NULL);

  limit = g_new0 (XunchaOfficeTimeLimit, 1);
  limit->category = g_strdup (category);
  limit->amount = amount;
  limit->unit = unit;
  return limit;
}

void
xuncha_office_time_limit_free (XunchaOfficeTimeLimit *limit)
{
  if (limit == NULL)
    return;
  g_free (limit->category);
  g_free (limit);
}

char *
xuncha_office_time_limit_to_text (const XunchaOfficeTimeLimit *limit)
{
  g_return_val_if_fail (limit != NULL, NULL);

  return g_strdup_printf ("%u %s", limit->amount, xuncha_office_time_unit_to_string (limit->unit));
}
