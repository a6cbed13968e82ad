/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-case-records.h"
#include "xuncha-office-cli.h"
#include "xuncha-taxonomy.h"

/* The categories' time limits from the office's command line: the same records methods as
 * the console's Time limits page, with the same checks and the same audit entry (the actor
 * is "command line"). A change is checked whole before the records are opened, so that a
 * bad code, number or unit changes nothing. */

#define ACTOR "command line"

/* The units as the command line writes them. */
static const struct { const char *word; XunchaOfficeTimeUnit unit; } unit_words[] = {
  { "work-hours", XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS },
  { "work-days", XUNCHA_OFFICE_TIME_UNIT_WORK_DAYS },
};

static const char *
unit_word (XunchaOfficeTimeUnit unit)
{
  for (guint i = 0; i < G_N_ELEMENTS (unit_words); i++)
    if (unit_words[i].unit == unit)
      return unit_words[i].word;
  g_assert_not_reached ();
}

/* The taxonomy the office serves: --categories FILE as `serve` takes it, or the one built
 * in. NULL after saying why. */
static XunchaTaxonomy *
load_taxonomy (const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  XunchaTaxonomy *taxonomy;

  if (file == NULL)
    taxonomy = xuncha_taxonomy_new_bundled (&error);
  else
    {
      mapped = g_mapped_file_new (file, FALSE, &error);
      if (mapped != NULL)
        bytes = g_mapped_file_get_bytes (mapped);
      taxonomy = bytes != NULL ? xuncha_taxonomy_new_from_bytes (bytes, &error) : NULL;
    }
  if (taxonomy == NULL)
    g_printerr ("%s\n", error->message);
  return taxonomy;
}

static const char *
category_name (XunchaTaxonomy *taxonomy,
               const char     *code)
{
  XunchaCategory *category = xuncha_taxonomy_lookup (taxonomy, code);

  return category != NULL ? xuncha_category_get_name (category) : "";
}

static int
list_limits (XunchaOfficeRecords *records,
             XunchaTaxonomy      *taxonomy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) limits = NULL;

  limits = xuncha_office_case_records_time_limits (XUNCHA_OFFICE_CASE_RECORDS (records), &error);
  if (limits == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* One limit a line, tab-separated for scripts: code, amount, unit, category name. */
  for (guint i = 0; i < limits->len; i++)
    {
      const XunchaOfficeTimeLimit *limit = limits->pdata[i];

      printf ("%s\t%u\t%s\t%s\n", limit->category, limit->amount, unit_word (limit->unit),
              category_name (taxonomy, limit->category));
    }
  return 0;
}

/* The limit @code @amount @unit means, or NULL after saying what is wrong with it. */
static XunchaOfficeTimeLimit *
read_limit (XunchaTaxonomy *taxonomy,
            const char     *code,
            const char     *amount_text,
            const char     *unit_text)
{
  XunchaOfficeTimeUnit unit = XUNCHA_OFFICE_TIME_UNIT_WORK_HOURS;
  gboolean unit_known = FALSE;
  guint64 amount = 0;
  gsize length = strlen (amount_text);

  if (xuncha_taxonomy_lookup (taxonomy, code) == NULL)
    {
      g_printerr (_("There is no category %s in the office's categories: give its code as "
                    "`xuncha-office time-limits list` shows it. Nothing was changed.\n"), code);
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (unit_words); i++)
    if (g_str_equal (unit_text, unit_words[i].word))
      {
        unit = unit_words[i].unit;
        unit_known = TRUE;
      }
  if (!unit_known)
    {
      g_printerr (_("A time limit is counted in work-hours or work-days, not “%s”. Nothing was "
                    "changed.\n"), unit_text);
      return NULL;
    }
  /* Digits only: no sign, no space, no fraction. */
  if (length == 0 || length > 10 || strspn (amount_text, "0123456789") != length
      || !g_ascii_string_to_unsigned (amount_text, 10, 0, G_MAXUINT, &amount, NULL)
      || !xuncha_office_time_limit_is_valid ((guint)amount, unit))
    {
      g_printerr (_("A time limit is a whole number of work hours from 1 to %d or of work days "
                    "from 1 to %d, not “%s %s”. Nothing was changed.\n"),
                  XUNCHA_OFFICE_TIME_LIMIT_MAX_HOURS, XUNCHA_OFFICE_TIME_LIMIT_MAX_DAYS,
                  amount_text, unit_text);
      return NULL;
    }
  return xuncha_office_time_limit_new (code, (guint)amount, unit);
}

static int
set_limit (XunchaOfficeRecords         *records,
           XunchaTaxonomy              *taxonomy,
           const XunchaOfficeTimeLimit *limit)
{
  XunchaOfficeCaseRecords *cases = XUNCHA_OFFICE_CASE_RECORDS (records);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) limits = NULL;
  const XunchaOfficeTimeLimit *before = NULL;

  limits = xuncha_office_case_records_time_limits (cases, &error);
  if (limits == NULL || !xuncha_office_case_records_time_limit_set (cases, limit, ACTOR, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < limits->len; i++)
    if (g_str_equal (((XunchaOfficeTimeLimit *)limits->pdata[i])->category, limit->category))
      before = limits->pdata[i];
  if (before != NULL)
    printf (_("Time limit of %s (%s): %u %s, was %u %s. Cases filed from now on are due "
              "within it.\n"),
            limit->category, category_name (taxonomy, limit->category), limit->amount,
            unit_word (limit->unit), before->amount, unit_word (before->unit));
  else
    printf (_("Time limit of %s (%s): %u %s. Cases filed from now on are due within it.\n"),
            limit->category, category_name (taxonomy, limit->category), limit->amount,
            unit_word (limit->unit));
  return 0;
}

int
xuncha_office_cli_time_limits (int    argc,
                               char **argv)
{
  g_autofree char *categories_file = NULL;
  GOptionEntry entries[] = {
    { "categories", 0, 0, G_OPTION_ARG_FILENAME, &categories_file,
      N_("Category list the office serves (default: the one built in)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  g_autoptr(XunchaOfficeTimeLimit) limit = NULL;
  g_autoptr(XunchaOfficeRecords) records = NULL;
  gboolean list, set;

  if (!parse_described ("time-limits", "list|set CODE N work-hours|work-days",
                        _("Each category's time limit for rectification, as on the console's "
                          "Time limits page: a case filed is due within it. A change is "
                          "written to the audit log."),
                        entries, &argc, &argv))
    return 2;
  list = argc == 2 && g_str_equal (argv[1], "list");
  set = argc == 5 && g_str_equal (argv[1], "set");
  if (!list && !set)
    {
      g_printerr (_("Usage: xuncha-office time-limits list\n"
                    "       xuncha-office time-limits set CODE N work-hours|work-days\n"));
      return 2;
    }
  taxonomy = load_taxonomy (categories_file);
  if (taxonomy == NULL)
    return 1;
  if (set)
    {
      limit = read_limit (taxonomy, argv[2], argv[3], argv[4]);
      if (limit == NULL)
        return 2;
    }
  if (!open_backend (1, &records, NULL))
    return 1;
  return list ? list_limits (records, taxonomy) : set_limit (records, taxonomy, limit);
}
