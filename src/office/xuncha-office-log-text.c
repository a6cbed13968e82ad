/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xuncha-office-log-text.h"

#include <string.h>

#define LOG_TEXT_MAX 128

char *
xuncha_office_log_text (const char *text)
{
  g_autofree char *cut = NULL;
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return g_strdup ("(none)");
  cut = g_strndup (text, LOG_TEXT_MAX);
  escaped = g_strescape (cut, NULL);
  return strlen (text) > LOG_TEXT_MAX ? g_strconcat (escaped, "…", NULL)
                                      : g_steal_pointer (&escaped);
}
