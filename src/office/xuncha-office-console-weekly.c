/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The weekly report (每周通报) for an ISO week: the week's reports by category, by street
 * (strict streets first, then class 1, class 2 and the rest), by team and by officer, the
 * case statuses, and the repeat offenders (merchants named in three or more reports in the
 * 30 days to the week's end, 门前五包). A printable page (A4) with bar charts drawn here as
 * SVG, and the same tables as CSV. A team leader's report holds his team only.
 *
 * The cases against their time limit (the case records' deadlines and closing times): closed
 * in the week within it, closed in the week late, and still open past it at the week's end
 * (or now, for the week under way), by category and by the reporting officer's team.
 * Coverage of assigned segments per team: for each officer, the union of the assigned
 * segments his shifts of the week walked (the device's coverage rules, from the geometry
 * library) against all he was assigned, by length; a team's is the sum of its officers'. */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "xuncha-office-case-records.h"
#include "xuncha-office-console-private.h"
#include "xuncha-office-route.h"

#define PREFIX "/console"
#define tr xuncha_office_console_tr
#define esc xuncha_office_console_esc

#define REPEAT_MIN 3
#define REPEAT_DAYS 30
/* Rows of a table on the page (the CSV holds them all). */
#define STREET_ROWS 40

typedef struct
{
  char   *name;
  char   *detail;     /* a street's class, an officer's team; nullable */
  gint64  count;
} Tally;

static void
tally_free (Tally *tally)
{
  g_free (tally->name);
  g_free (tally->detail);
  g_free (tally);
}

/* How a category's or a team's cases stood against their time limit in the week. */
typedef struct
{
  char   *name;
  char   *detail;     /* a category's code; nullable */
  gint64  on_time;    /* closed in the week within the limit */
  gint64  late;       /* closed in the week after it */
  gint64  overdue;    /* open past it at the week's end */
} CaseTally;

static void
case_tally_free (CaseTally *tally)
{
  g_free (tally->name);
  g_free (tally->detail);
  g_free (tally);
}

/* An officer's or a team's coverage of assigned segments over the week. */
typedef struct
{
  char                    *name;
  char                    *team;
  XunchaOfficeCoverageSum  sum;
} CoverageRow;

static void
coverage_row_free (CoverageRow *row)
{
  g_free (row->name);
  g_free (row->team);
  g_free (row);
}

static double
coverage_percent (const CoverageRow *row)
{
  return row->sum.assigned_m > 0 ? 100.0 * row->sum.walked_m / row->sum.assigned_m : 0;
}

typedef struct
{
  GDateTime  *monday;            /* local midnight */
  gint64      from_s;            /* the same in Unix seconds */
  int         year, week;
  gint64      total;
  GHashTable *categories;        /* code → Tally */
  GHashTable *streets;           /* name → Tally */
  GHashTable *teams;
  GHashTable *officers;
  GHashTable *statuses;
  GHashTable *merchants;         /* id → Tally, over REPEAT_DAYS */
  GHashTable *case_categories;   /* code → CaseTally */
  GHashTable *case_teams;        /* team → CaseTally */
  GPtrArray  *coverage_officers; /* CoverageRow, by team then name; those with assignments */
  GPtrArray  *coverage_teams;    /* CoverageRow, by team */
} Week;

static void
week_clear (Week *week)
{
  g_clear_pointer (&week->monday, g_date_time_unref);
  g_clear_pointer (&week->categories, g_hash_table_unref);
  g_clear_pointer (&week->streets, g_hash_table_unref);
  g_clear_pointer (&week->teams, g_hash_table_unref);
  g_clear_pointer (&week->officers, g_hash_table_unref);
  g_clear_pointer (&week->statuses, g_hash_table_unref);
  g_clear_pointer (&week->merchants, g_hash_table_unref);
  g_clear_pointer (&week->case_categories, g_hash_table_unref);
  g_clear_pointer (&week->case_teams, g_hash_table_unref);
  g_clear_pointer (&week->coverage_officers, g_ptr_array_unref);
  g_clear_pointer (&week->coverage_teams, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Week, week_clear)

static GHashTable *
tallies_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)tally_free);
}

static int
street_class_rank (const char *street_class)
{
  static const char * const order[] = { "strict", "class1", "class2", "other" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (g_strcmp0 (street_class, order[i]) == 0)
      return (int)i;
  return G_N_ELEMENTS (order);
}

/* Most first, then by name. */
static int
by_count (gconstpointer a,
          gconstpointer b)
{
  const Tally *x = *(Tally * const *)a, *y = *(Tally * const *)b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

/* Strict streets first, then class 1, class 2, the rest; within a class, most first. */
static int
by_class_then_count (gconstpointer a,
                     gconstpointer b)
{
  const Tally *x = *(Tally * const *)a, *y = *(Tally * const *)b;
  int rank = street_class_rank (x->detail) - street_class_rank (y->detail);

  return rank != 0 ? rank : by_count (a, b);
}

/* Most overdue first, then most late, then by name. */
static int
by_overdue (gconstpointer a,
            gconstpointer b)
{
  const CaseTally *x = *(CaseTally * const *)a, *y = *(CaseTally * const *)b;

  if (x->overdue != y->overdue)
    return x->overdue > y->overdue ? -1 : 1;
  if (x->late != y->late)
    return x->late > y->late ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static GPtrArray *
sorted (GHashTable   *tallies,
        GCompareFunc  compare)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, tallies);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  g_ptr_array_sort (list, compare);
  return list;
}

/* Reads "2024-W22" into the local Monday starting it; NULL @text: this week. */
static GDateTime *
week_start (const char *text,
            int        *year,
            int        *number)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  int y, w;
  char end;

  if (text == NULL)
    {
      y = g_date_time_get_week_numbering_year (now);
      w = g_date_time_get_week_of_year (now);
    }
  else if (strlen (text) != 8 || sscanf (text, "%4d-W%2d%c", &y, &w, &end) != 2
           || text[4] != '-' || text[5] != 'W' || y < 2000 || y > 9998 || w < 1 || w > 53)
    return NULL;
  /* 4 January is always in week 1. */
  day = g_date_time_new_local (y, 1, 4, 0, 0, 0);
  if (day == NULL)
    return NULL;
  midnight = g_date_time_add_days (day, (w - 1) * 7 - (g_date_time_get_day_of_week (day) - 1));
  if (midnight == NULL || g_date_time_get_week_of_year (midnight) != w)
    return NULL;
  *year = y;
  *number = w;
  return g_steal_pointer (&midnight);
}

/* The counts of @group into @tallies, each named by @name_of (NULL: the key). */
static gboolean
add_counts (XunchaOfficeConsolePage        *page,
            const XunchaOfficeReportFilter *filter,
            XunchaOfficeReportGroup         group,
            GHashTable                     *tallies,
            GError                        **error)
{
  g_autoptr(GPtrArray) counts = xuncha_office_records_reports_count (page->self->records, filter,
                                                                     group, error);

  if (counts == NULL)
    return FALSE;
  for (guint i = 0; i < counts->len; i++)
    {
      const XunchaOfficeReportCount *count = counts->pdata[i];
      Tally *tally = g_new0 (Tally, 1);

      tally->count = count->count;
      switch (group)
        {
        case XUNCHA_OFFICE_REPORT_GROUP_CATEGORY:
          tally->name = g_strdup (xuncha_office_console_category_name (page, count->key));
          tally->detail = g_strdup (count->key);
          break;
        case XUNCHA_OFFICE_REPORT_GROUP_STATUS:
          tally->name = g_strdup (count->key != NULL ? count->key : tr (page, N_("new")));
          break;
        default:
          tally->name = g_strdup (count->key);
          tally->detail = g_strdup (count->detail);
          break;
        }
      g_hash_table_insert (tallies, g_strdup (count->key != NULL ? count->key : ""), tally);
    }
  return TRUE;
}

/* Counts @outcome into @tallies under @key, made with @name and @detail when new. */
static void
add_outcome (GHashTable                    *tallies,
             const char                    *key,
             const char                    *name,
             const char                    *detail,
             const XunchaOfficeCaseOutcome *outcome)
{
  CaseTally *tally = g_hash_table_lookup (tallies, key);

  if (tally == NULL)
    {
      tally = g_new0 (CaseTally, 1);
      tally->name = g_strdup (name);
      tally->detail = g_strdup (detail);
      g_hash_table_insert (tallies, g_strdup (key), tally);
    }
  if (outcome->closed_us == 0)
    tally->overdue++;
  else if (xuncha_office_case_outcome_on_time (outcome))
    tally->on_time++;
  else
    tally->late++;
}

/* The week's cases against their time limit, within the member's scope (a leader: the
 * reports of his team's officers). */
static gboolean
add_case_outcomes (XunchaOfficeConsolePage  *page,
                   Week                     *week,
                   gint64                    to_s,
                   GHashTable               *officers,
                   GError                  **error)
{
  /* Open past the deadline is counted at the week's end, or now for the week under way. */
  XunchaOfficeCaseRecords *cases = XUNCHA_OFFICE_CASE_RECORDS (page->self->records);
  gint64 now_us = g_get_real_time ();
  gint64 to_us = MIN (to_s * G_USEC_PER_SEC, now_us);
  gint64 from_us = week->from_s * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) outcomes = NULL;

  week->case_categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify)case_tally_free);
  week->case_teams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)case_tally_free);
  /* A week still to come has no figures (not today's overdue cases). */
  if (from_us > now_us)
    return TRUE;
  outcomes = xuncha_office_case_records_case_outcomes (cases, from_us, to_us, error);
  if (outcomes == NULL)
    return FALSE;
  for (guint i = 0; i < outcomes->len; i++)
    {
      const XunchaOfficeCaseOutcome *outcome = outcomes->pdata[i];
      const XunchaWireOfficer *officer = g_hash_table_lookup (officers, outcome->officer_id);
      const char *team = officer != NULL && officer->team != NULL ? officer->team : "";
      const char *code = outcome->category != NULL ? outcome->category : "";

      if (!xuncha_office_console_sees_all (page) && g_strcmp0 (team, page->staff->team) != 0)
        continue;
      add_outcome (week->case_categories, code,
                   xuncha_office_console_category_name (page, outcome->category), code, outcome);
      add_outcome (week->case_teams, team, team, NULL, outcome);
    }
  return TRUE;
}

static int
by_team_then_name (gconstpointer a,
                   gconstpointer b)
{
  const CoverageRow *ra = *(CoverageRow * const *)a, *rb = *(CoverageRow * const *)b;
  int order = g_strcmp0 (ra->team, rb->team);

  return order != 0 ? order : g_strcmp0 (ra->name, rb->name);
}

/* Each officer's coverage of his assigned segments over the week, within the member's
 * scope, and the teams' sums. */
static gboolean
add_coverage (XunchaOfficeConsolePage  *page,
              Week                     *week,
              GHashTable               *officers,
              gint64                    to_s,
              GError                  **error)
{
  g_autoptr(GHashTable) teams = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  week->coverage_officers = g_ptr_array_new_with_free_func ((GDestroyNotify)coverage_row_free);
  week->coverage_teams = g_ptr_array_new_with_free_func ((GDestroyNotify)coverage_row_free);
  g_hash_table_iter_init (&iter, officers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const XunchaWireOfficer *officer = value;
      const char *team = officer->team != NULL ? officer->team : "";
      XunchaOfficeCoverageSum sum;
      CoverageRow *row, *team_row;

      if (!xuncha_office_console_sees_all (page) && g_strcmp0 (team, page->staff->team) != 0)
        continue;
      if (!xuncha_office_route_coverage_between (page->self->records, officer->id,
                                                 week->from_s * 1000, to_s * 1000, &sum, error))
        return FALSE;
      if (sum.n_assigned == 0)
        continue;
      row = g_new0 (CoverageRow, 1);
      row->name = g_strdup (officer->name);
      row->team = g_strdup (team);
      row->sum = sum;
      g_ptr_array_add (week->coverage_officers, row);
      team_row = g_hash_table_lookup (teams, team);
      if (team_row == NULL)
        {
          team_row = g_new0 (CoverageRow, 1);
          team_row->name = g_strdup (team);
          team_row->team = g_strdup (team);
          g_ptr_array_add (week->coverage_teams, team_row);
          g_hash_table_insert (teams, team_row->team, team_row);
        }
      team_row->sum.n_assigned += sum.n_assigned;
      team_row->sum.n_walked += sum.n_walked;
      team_row->sum.n_shifts += sum.n_shifts;
      team_row->sum.assigned_m += sum.assigned_m;
      team_row->sum.walked_m += sum.walked_m;
    }
  g_ptr_array_sort (week->coverage_officers, by_team_then_name);
  g_ptr_array_sort (week->coverage_teams, by_team_then_name);
  return TRUE;
}

/* Everything the page and the CSV show. FALSE after answering. */
static gboolean
gather (XunchaOfficeConsolePage *page,
        Week                    *week)
{
  static const char * const allowed[] = { "week", "lang", NULL };
  g_autoptr(XunchaOfficeReportFilter) filter = NULL;
  g_autoptr(GHashTable) officers = NULL;
  g_autoptr(GPtrArray) merchants = NULL;
  g_auto(GStrv) deleted = NULL;
  g_autoptr(GError) error = NULL;
  gint64 revision;

  if (!xuncha_office_console_read_query (page, allowed))
    return FALSE;
  week->monday = week_start (xuncha_office_console_field (page->query, "week"), &week->year,
                             &week->week);
  if (week->monday == NULL)
    {
      xuncha_office_console_answer_message (page, 400, tr (page, N_("Bad request")),
                                            tr (page, N_("A week is written 2024-W22.")));
      return FALSE;
    }
  /* The member's scope (a leader: his team) from the filter the list uses. */
  filter = xuncha_office_console_read_filter (page);
  if (filter == NULL)
    return FALSE;
  week->categories = tallies_new ();
  week->streets = tallies_new ();
  week->teams = tallies_new ();
  week->officers = tallies_new ();
  week->statuses = tallies_new ();
  week->merchants = tallies_new ();
  officers = xuncha_office_console_officers (page, &error);
  if (officers == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  week->from_s = g_date_time_to_unix (week->monday);
  {
    g_autoptr(GDateTime) next = g_date_time_add_weeks (week->monday, 1);

    filter->from_s = week->from_s;
    filter->to_s = g_date_time_to_unix (next);
  }
  /* Each table counted by the records from their indexes: no report is read whole. */
  if (!add_counts (page, filter, XUNCHA_OFFICE_REPORT_GROUP_CATEGORY, week->categories, &error)
      || !add_counts (page, filter, XUNCHA_OFFICE_REPORT_GROUP_STREET, week->streets, &error)
      || !add_counts (page, filter, XUNCHA_OFFICE_REPORT_GROUP_OFFICER, week->officers, &error)
      || !add_counts (page, filter, XUNCHA_OFFICE_REPORT_GROUP_STATUS, week->statuses, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  if (!add_case_outcomes (page, week, filter->to_s, officers, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  if (!add_coverage (page, week, officers, filter->to_s, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  filter->from_s = filter->to_s - (gint64)REPEAT_DAYS * 86400;
  if (!add_counts (page, filter, XUNCHA_OFFICE_REPORT_GROUP_MERCHANT, week->merchants, &error))
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  /* The officers' names and teams, and the teams' sums. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, week->categories);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      week->total += ((Tally *)value)->count;
    g_hash_table_iter_init (&iter, week->officers);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        Tally *tally = value;
        const XunchaWireOfficer *officer = g_hash_table_lookup (officers, tally->name);
        const char *team = officer != NULL && officer->team != NULL ? officer->team : "";
        Tally *sum = g_hash_table_lookup (week->teams, team);

        if (officer != NULL)
          {
            g_free (tally->name);
            tally->name = g_strdup (officer->name);
          }
        g_free (tally->detail);
        tally->detail = g_strdup (team);
        if (sum == NULL)
          {
            sum = g_new0 (Tally, 1);
            sum->name = g_strdup (team);
            g_hash_table_insert (week->teams, g_strdup (team), sum);
          }
        sum->count += tally->count;
      }
  }
  /* The merchants' names: the registry's. */
  merchants = xuncha_office_records_merchants_since (page->self->records, 0, &revision, &deleted,
                                                     &error);
  if (merchants == NULL)
    {
      xuncha_office_console_answer_storage_error (page, error);
      return FALSE;
    }
  for (guint i = 0; i < merchants->len; i++)
    {
      const XunchaOfficeMerchant *merchant = merchants->pdata[i];
      Tally *tally = g_hash_table_lookup (week->merchants, merchant->id);

      if (tally != NULL)
        {
          g_free (tally->detail);
          tally->detail = g_strdup (merchant->name);
        }
    }
  return TRUE;
}

static const char *
class_name (XunchaOfficeConsolePage *page,
            const char              *street_class)
{
  if (g_strcmp0 (street_class, "strict") == 0)
    return tr (page, N_("Strict street"));
  if (g_strcmp0 (street_class, "class1") == 0)
    return tr (page, N_("Class 1 street"));
  if (g_strcmp0 (street_class, "class2") == 0)
    return tr (page, N_("Class 2 street"));
  return tr (page, N_("Other street"));
}

/* The charts are drawn for a phone: the SVG's units are CSS pixels at 360 wide, so that
 * scaled to a phone's column its text stays near 14 pixels, and on A4 (a fixed width,
 * console.css) near 10 points. Each row's label is on a line of its own above its bar,
 * the whole width, never squeezed beside the bar or cut at the left edge. */
#define CHART_WIDTH 360
#define CHART_FONT 14
#define CHART_NUMBER_FONT 13
#define CHART_LABEL_HEIGHT 18
#define CHART_BAR_HEIGHT 14
#define CHART_ROW (CHART_LABEL_HEIGHT + CHART_BAR_HEIGHT + 8)
/* Room right of the longest bar for its figures ("12/3/4"). */
#define CHART_FIGURES_ROOM 72
/* A label longer than this is cut with an ellipsis (the table beside has it whole). */
#define CHART_LABEL_CHARS 24

static void
chart_start (GString    *html,
             const char *id,
             guint       rows)
{
  g_string_append_printf (html, "<svg class=\"bars\" id=\"%s\" role=\"img\" width=\"%u\" "
                          "height=\"%u\" viewBox=\"0 0 %u %u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\">",
                          id, CHART_WIDTH, rows * CHART_ROW, CHART_WIDTH, rows * CHART_ROW);
}

/* Row @row's label, over the whole width; cut to CHART_LABEL_CHARS with its whole text as
 * the title a pointer shows. */
static void
chart_label (GString    *html,
             guint       row,
             const char *name)
{
  const char *text = name != NULL ? name : "";

  g_string_append_printf (html, "<text x=\"0\" y=\"%u\" font-size=\"%u\">",
                          row * CHART_ROW + CHART_FONT, CHART_FONT);
  if (g_utf8_strlen (text, -1) > CHART_LABEL_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, CHART_LABEL_CHARS - 1);

      g_string_append (html, "<title>");
      esc (html, text);
      g_string_append (html, "</title>");
      esc (html, cut);
      g_string_append (html, "…");
    }
  else
    esc (html, text);
  g_string_append (html, "</text>");
}

static guint
bar_top (guint row)
{
  return row * CHART_ROW + CHART_LABEL_HEIGHT + 2;
}

/* The row's figures right of its bar, ending at @x. */
static void
chart_figures (GString    *html,
               guint       row,
               guint       x,
               const char *figures)
{
  g_string_append_printf (html, "<text x=\"%u\" y=\"%u\" font-size=\"%u\">%s</text>", x + 5,
                          bar_top (row) + CHART_BAR_HEIGHT - 2, CHART_NUMBER_FONT, figures);
}

/* A horizontal bar chart drawn here: the labels are text in the SVG, escaped as any. */
static void
svg_bars (GString    *html,
          GPtrArray  *tallies,
          guint       rows,
          const char *id)
{
  const guint longest = CHART_WIDTH - CHART_FIGURES_ROOM;
  gint64 most = 1;

  rows = MIN (rows, tallies->len);
  if (rows == 0)
    return;
  for (guint i = 0; i < rows; i++)
    most = MAX (most, ((Tally *)tallies->pdata[i])->count);
  chart_start (html, id, rows);
  for (guint i = 0; i < rows; i++)
    {
      const Tally *tally = tallies->pdata[i];
      guint length = MAX ((guint)(longest * tally->count / most), 1u);
      g_autofree char *figures = g_strdup_printf ("%" G_GINT64_FORMAT, tally->count);

      chart_label (html, i, tally->name);
      g_string_append_printf (html, "<rect x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\" "
                              "fill=\"#1f4e79\"/>", bar_top (i), length, CHART_BAR_HEIGHT);
      chart_figures (html, i, length, figures);
    }
  g_string_append (html, "</svg>");
}

static void
table (GString                 *html,
       XunchaOfficeConsolePage *page,
       const char              *id,
       const char              *name_heading,
       const char              *detail_heading,
       GPtrArray               *tallies,
       guint                    rows)
{
  g_string_append_printf (html, "<table class=\"weekly\" id=\"%s\"><thead><tr><th>", id);
  esc (html, name_heading);
  g_string_append (html, "</th>");
  if (detail_heading != NULL)
    {
      g_string_append (html, "<th>");
      esc (html, detail_heading);
      g_string_append (html, "</th>");
    }
  g_string_append (html, "<th class=\"count\">");
  esc (html, tr (page, N_("Reports")));
  g_string_append (html, "</th></tr></thead><tbody>");
  for (guint i = 0; i < MIN (rows, tallies->len); i++)
    {
      const Tally *tally = tallies->pdata[i];

      g_string_append (html, "<tr><td>");
      esc (html, tally->name);
      g_string_append (html, "</td>");
      if (detail_heading != NULL)
        {
          g_string_append (html, "<td>");
          esc (html, tally->detail);
          g_string_append (html, "</td>");
        }
      g_string_append_printf (html, "<td class=\"count\">%" G_GINT64_FORMAT "</td></tr>",
                              tally->count);
    }
  g_string_append (html, "</tbody></table>");
  if (tallies->len == 0)
    {
      g_string_append (html, "<p class=\"none\">");
      esc (html, tr (page, N_("None.")));
      g_string_append (html, "</p>");
    }
}

static void
heading (GString                 *html,
         XunchaOfficeConsolePage *page,
         const char              *text)
{
  g_string_append (html, "<h2>");
  esc (html, tr (page, text));
  g_string_append (html, "</h2>");
}

/* The merchants named REPEAT_MIN times or more. */
static GPtrArray *
repeat_offenders (Week *week)
{
  GPtrArray *all = sorted (week->merchants, by_count);
  guint keep = 0;

  while (keep < all->len && ((Tally *)all->pdata[keep])->count >= REPEAT_MIN)
    keep++;
  g_ptr_array_set_size (all, keep);
  return all;
}

/* A horizontal bar per row, its parts closed on time, closed late and open past the
 * deadline, in the table's colours; the labels are text in the SVG, escaped as any. */
static void
svg_case_bars (GString    *html,
               GPtrArray  *tallies,
               guint       rows,
               const char *id)
{
  static const char * const fills[] = { "#1d6b2f", "#c17d11", "#a40000" };
  const guint longest = CHART_WIDTH - CHART_FIGURES_ROOM;
  gint64 most = 1;

  rows = MIN (rows, tallies->len);
  if (rows == 0)
    return;
  for (guint i = 0; i < rows; i++)
    {
      const CaseTally *tally = tallies->pdata[i];

      most = MAX (most, tally->on_time + tally->late + tally->overdue);
    }
  chart_start (html, id, rows);
  for (guint i = 0; i < rows; i++)
    {
      const CaseTally *tally = tallies->pdata[i];
      const gint64 parts[] = { tally->on_time, tally->late, tally->overdue };
      g_autofree char *figures = NULL;
      guint x = 0;

      chart_label (html, i, tally->name);
      for (guint j = 0; j < G_N_ELEMENTS (parts); j++)
        {
          guint length = (guint)(longest * parts[j] / most);

          if (parts[j] == 0)
            continue;
          length = MAX (length, 1u);
          g_string_append_printf (html, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
                                  "fill=\"%s\"/>", x, bar_top (i), length, CHART_BAR_HEIGHT,
                                  fills[j]);
          x += length;
        }
      figures = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                 tally->on_time, tally->late, tally->overdue);
      chart_figures (html, i, x, figures);
    }
  g_string_append (html, "</svg>");
}

static void
case_table (GString                 *html,
            XunchaOfficeConsolePage *page,
            const char              *id,
            const char              *name_heading,
            const char              *detail_heading,
            GPtrArray               *tallies)
{
  const char *counts[] = { N_("Closed within the time limit"), N_("Closed late"),
                           N_("Open and overdue") };

  g_string_append_printf (html, "<table class=\"weekly\" id=\"%s\"><thead><tr><th>", id);
  esc (html, name_heading);
  g_string_append (html, "</th>");
  if (detail_heading != NULL)
    {
      g_string_append (html, "<th>");
      esc (html, detail_heading);
      g_string_append (html, "</th>");
    }
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_string_append (html, "<th class=\"count\">");
      esc (html, tr (page, counts[i]));
      g_string_append (html, "</th>");
    }
  g_string_append (html, "</tr></thead><tbody>");
  for (guint i = 0; i < tallies->len; i++)
    {
      const CaseTally *tally = tallies->pdata[i];

      g_string_append (html, "<tr><td>");
      esc (html, tally->name);
      g_string_append (html, "</td>");
      if (detail_heading != NULL)
        {
          g_string_append (html, "<td>");
          esc (html, tally->detail);
          g_string_append (html, "</td>");
        }
      /* Cases open past their deadline stand out, as on the list; none does not. */
      g_string_append_printf (html, "<td class=\"count\">%" G_GINT64_FORMAT "</td>"
                              "<td class=\"count\">%" G_GINT64_FORMAT "</td>"
                              "<td class=\"count%s\">%" G_GINT64_FORMAT "</td></tr>",
                              tally->on_time, tally->late, tally->overdue > 0 ? " overdue" : "",
                              tally->overdue);
    }
  g_string_append (html, "</tbody></table>");
  if (tallies->len == 0)
    {
      g_string_append (html, "<p class=\"none\">");
      esc (html, tr (page, N_("None.")));
      g_string_append (html, "</p>");
    }
}

/* The case figures: the statuses the records hold, and the cases against their time limit
 * by category and by team. */
static void
weekly_cases (GString                 *html,
              XunchaOfficeConsolePage *page,
              Week                    *week)
{
  g_autoptr(GPtrArray) statuses = sorted (week->statuses, by_count);
  g_autoptr(GPtrArray) categories = sorted (week->case_categories, by_overdue);
  g_autoptr(GPtrArray) teams = sorted (week->case_teams, by_overdue);

  heading (html, page, N_("Cases by status"));
  table (html, page, "weekly-statuses", tr (page, N_("Case status")), NULL, statuses,
         G_MAXUINT);
  heading (html, page, N_("Cases against their time limit, by category"));
  svg_case_bars (html, categories, 12, "chart-case-categories");
  case_table (html, page, "weekly-case-categories", tr (page, N_("Category")),
              tr (page, N_("Code")), categories);
  heading (html, page, N_("Cases against their time limit, by team"));
  svg_case_bars (html, teams, 12, "chart-case-teams");
  case_table (html, page, "weekly-case-teams", tr (page, N_("Team")), NULL, teams);
}

/* A bar per team: the percentage of its assigned length walked. */
static void
svg_coverage_bars (GString    *html,
                   GPtrArray  *rows,
                   const char *id)
{
  const guint full = CHART_WIDTH - CHART_FIGURES_ROOM;

  if (rows->len == 0)
    return;
  chart_start (html, id, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const CoverageRow *row = rows->pdata[i];
      double percent = coverage_percent (row);
      guint length = (guint)(full * percent / 100);
      g_autofree char *figures = g_strdup_printf ("%.0f %%", percent);

      chart_label (html, i, row->name);
      /* The whole assigned length in grey, the walked part over it in green. */
      g_string_append_printf (html, "<rect x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\" "
                              "fill=\"#e4e4e4\"/><rect x=\"0\" y=\"%u\" width=\"%u\" "
                              "height=\"%u\" fill=\"#1e8c3a\"/>",
                              bar_top (i), full, CHART_BAR_HEIGHT,
                              bar_top (i), MAX (length, 1u), CHART_BAR_HEIGHT);
      chart_figures (html, i, full, figures);
    }
  g_string_append (html, "</svg>");
}

static void
coverage_table (GString                 *html,
                XunchaOfficeConsolePage *page,
                const char              *id,
                const char              *name_heading,
                gboolean                 with_team,
                GPtrArray               *rows)
{
  g_string_append_printf (html, "<table class=\"weekly\" id=\"%s\"><thead><tr><th>", id);
  esc (html, name_heading);
  if (with_team)
    {
      g_string_append (html, "</th><th>");
      esc (html, tr (page, N_("Team")));
    }
  g_string_append (html, "</th><th class=\"count\">");
  esc (html, tr (page, N_("Shifts")));
  g_string_append (html, "</th><th class=\"count\">");
  esc (html, tr (page, N_("Segments walked")));
  g_string_append (html, "</th><th class=\"count\">");
  esc (html, tr (page, N_("Assigned length")));
  g_string_append (html, "</th><th class=\"count\">");
  esc (html, tr (page, N_("Covered")));
  g_string_append (html, "</th></tr></thead><tbody>");
  for (guint i = 0; i < rows->len; i++)
    {
      const CoverageRow *row = rows->pdata[i];
      g_autofree char *length = g_strdup_printf (tr (page, N_("%.2f km")),
                                                 row->sum.assigned_m / 1000);

      g_string_append (html, "<tr><td>");
      esc (html, row->name);
      if (with_team)
        {
          g_string_append (html, "</td><td>");
          esc (html, row->team);
        }
      g_string_append_printf (html, "</td><td class=\"count\">%u</td><td class=\"count\">"
                              "%u / %u</td><td class=\"count\">", row->sum.n_shifts,
                              row->sum.n_walked, row->sum.n_assigned);
      esc (html, length);
      g_string_append_printf (html, "</td><td class=\"count\">%.1f %%</td></tr>",
                              coverage_percent (row));
    }
  g_string_append (html, "</tbody></table>");
}

/* Coverage of assigned segments: by team (a bar each) and by officer. */
static void
weekly_coverage (GString                 *html,
                 XunchaOfficeConsolePage *page,
                 Week                    *week)
{
  heading (html, page, N_("Coverage of assigned segments"));
  if (week->coverage_officers->len == 0)
    {
      g_string_append (html, "<p class=\"message\" id=\"weekly-coverage-none\">");
      esc (html, tr (page, N_("No officer has assigned segments.")));
      g_string_append (html, "</p>");
      return;
    }
  svg_coverage_bars (html, week->coverage_teams, "chart-coverage-teams");
  coverage_table (html, page, "weekly-coverage-teams", tr (page, N_("Team")), FALSE,
                  week->coverage_teams);
  coverage_table (html, page, "weekly-coverage-officers", tr (page, N_("Officer")), TRUE,
                  week->coverage_officers);
}

void
xuncha_office_console_weekly_page (XunchaOfficeConsolePage *page)
{
  g_auto(Week) week = { 0 };
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GPtrArray) streets = NULL;
  g_autoptr(GPtrArray) teams = NULL;
  g_autoptr(GPtrArray) officers = NULL;
  g_autoptr(GPtrArray) repeat = NULL;
  g_autoptr(GDateTime) sunday = NULL;
  g_autofree char *title = NULL, *first = NULL, *last = NULL, *week_text = NULL;
  g_autofree char *total = NULL;
  GString *html;

  if (!gather (page, &week))
    return;
  sunday = g_date_time_add_days (week.monday, 6);
  first = g_date_time_format (week.monday, "%Y-%m-%d");
  last = g_date_time_format (sunday, "%Y-%m-%d");
  week_text = g_strdup_printf ("%04d-W%02d", week.year, week.week);
  title = g_strdup_printf (tr (page, N_("Weekly report %s (%s to %s)")), week_text, first, last);
  categories = sorted (week.categories, by_count);
  streets = sorted (week.streets, by_class_then_count);
  teams = sorted (week.teams, by_count);
  officers = sorted (week.officers, by_count);
  repeat = repeat_offenders (&week);
  for (guint i = 0; i < streets->len; i++)
    {
      Tally *tally = streets->pdata[i];
      const char *name = class_name (page, tally->detail);

      g_free (tally->detail);
      tally->detail = g_strdup (name);
    }

  html = xuncha_office_console_page_start (page, title);
  g_string_append (html, "<form method=\"get\" action=\"" PREFIX "/weekly\" class=\"week\">");
  /* Text written 2026-W49, not <input type=week>, which the browser draws in its locale. */
  xuncha_office_console_week_input (page, html, tr (page, N_("Week")), week_text);
  g_string_append (html, "<button type=\"submit\" id=\"show-week\">");
  esc (html, tr (page, N_("Show")));
  g_string_append (html, "</button><a id=\"weekly-csv\" href=\"" PREFIX "/weekly.csv?week=");
  esc (html, week_text);
  g_string_append (html, "\">");
  esc (html, tr (page, N_("Download as CSV")));
  g_string_append (html, "</a></form><p class=\"total\" id=\"weekly-total\">");
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, week.total);

    total = g_strdup_printf (tr (page, N_("%s reports this week")), number);
  }
  esc (html, total);
  if (!xuncha_office_console_sees_all (page))
    {
      g_autofree char *scope = g_strdup_printf (tr (page, N_("Team %s only.")),
                                                page->staff->team);

      g_string_append (html, " ");
      esc (html, scope);
    }
  g_string_append (html, "</p>");

  heading (html, page, N_("By category"));
  svg_bars (html, categories, 12, "chart-categories");
  table (html, page, "weekly-categories", tr (page, N_("Category")), tr (page, N_("Code")),
         categories, G_MAXUINT);
  heading (html, page, N_("By street"));
  table (html, page, "weekly-streets", tr (page, N_("Street")), tr (page, N_("Street class")),
         streets, STREET_ROWS);
  heading (html, page, N_("By team"));
  svg_bars (html, teams, 12, "chart-teams");
  table (html, page, "weekly-teams", tr (page, N_("Team")), NULL, teams, G_MAXUINT);
  heading (html, page, N_("By officer"));
  table (html, page, "weekly-officers", tr (page, N_("Officer")), tr (page, N_("Team")),
         officers, G_MAXUINT);
  weekly_coverage (html, page, &week);
  weekly_cases (html, page, &week);
  heading (html, page, N_("Repeat offenders: merchants in 3 or more reports in 30 days"));
  table (html, page, "weekly-repeat", tr (page, N_("Merchant")), tr (page, N_("Name")), repeat,
         G_MAXUINT);
  xuncha_office_console_page_end (html);
  xuncha_office_console_answer_html (page, 200, html);
}

static void
csv_rows (GString    *csv,
          const char *section,
          GPtrArray  *tallies)
{
  for (guint i = 0; i < tallies->len; i++)
    {
      const Tally *tally = tallies->pdata[i];

      xuncha_office_console_csv_text (csv, section);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, tally->name);
      g_string_append_c (csv, ',');
      xuncha_office_console_csv_text (csv, tally->detail);
      g_string_append_printf (csv, ",%" G_GINT64_FORMAT "\r\n", tally->count);
    }
}

/* A case tally as three rows, one per standing (@section_on_time, _late, _overdue), each
 * in the table's four columns. */
static void
case_csv_rows (GString    *csv,
               const char *section,
               GPtrArray  *tallies)
{
  static const char * const standings[] = { "on_time", "late", "overdue" };

  for (guint i = 0; i < tallies->len; i++)
    {
      const CaseTally *tally = tallies->pdata[i];
      const gint64 counts[] = { tally->on_time, tally->late, tally->overdue };

      for (guint j = 0; j < G_N_ELEMENTS (standings); j++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%s", section, standings[j]);

          xuncha_office_console_csv_text (csv, name);
          g_string_append_c (csv, ',');
          xuncha_office_console_csv_text (csv, tally->name);
          g_string_append_c (csv, ',');
          xuncha_office_console_csv_text (csv, tally->detail);
          g_string_append_printf (csv, ",%" G_GINT64_FORMAT "\r\n", counts[j]);
        }
    }
}

/* A coverage row as three rows in the table's four columns: the assigned length and the
 * walked length in metres, and the percentage walked. */
static void
coverage_csv_rows (GString    *csv,
                   const char *section,
                   GPtrArray  *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const CoverageRow *row = rows->pdata[i];
      char values[3][G_ASCII_DTOSTR_BUF_SIZE];
      static const char * const suffixes[] = { "assigned_m", "walked_m", "percent" };

      g_ascii_formatd (values[0], sizeof values[0], "%.0f", row->sum.assigned_m);
      g_ascii_formatd (values[1], sizeof values[1], "%.0f", row->sum.walked_m);
      g_ascii_formatd (values[2], sizeof values[2], "%.1f", coverage_percent (row));
      for (guint j = 0; j < G_N_ELEMENTS (suffixes); j++)
        {
          g_autofree char *name = g_strdup_printf ("%s_%s", section, suffixes[j]);

          xuncha_office_console_csv_text (csv, name);
          g_string_append_c (csv, ',');
          xuncha_office_console_csv_text (csv, row->name);
          g_string_append_c (csv, ',');
          xuncha_office_console_csv_text (csv, row->team);
          g_string_append_printf (csv, ",%s\r\n", values[j]);
        }
    }
}

void
xuncha_office_console_weekly_csv (XunchaOfficeConsolePage *page)
{
  g_auto(Week) week = { 0 };
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GPtrArray) streets = NULL;
  g_autoptr(GPtrArray) teams = NULL;
  g_autoptr(GPtrArray) officers = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GPtrArray) case_categories = NULL;
  g_autoptr(GPtrArray) case_teams = NULL;
  g_autoptr(GPtrArray) repeat = NULL;
  g_autofree char *disposition = NULL;
  GString *csv;

  if (!gather (page, &week))
    return;
  categories = sorted (week.categories, by_count);
  streets = sorted (week.streets, by_class_then_count);
  teams = sorted (week.teams, by_count);
  officers = sorted (week.officers, by_count);
  statuses = sorted (week.statuses, by_count);
  case_categories = sorted (week.case_categories, by_overdue);
  case_teams = sorted (week.case_teams, by_overdue);
  repeat = repeat_offenders (&week);
  csv = g_string_new ("\xEF\xBB\xBF");
  xuncha_office_console_csv_text (csv, tr (page, N_("Table")));
  g_string_append_c (csv, ',');
  xuncha_office_console_csv_text (csv, tr (page, N_("Name")));
  g_string_append_c (csv, ',');
  xuncha_office_console_csv_text (csv, tr (page, N_("Detail")));
  g_string_append_c (csv, ',');
  xuncha_office_console_csv_text (csv, tr (page, N_("Reports")));
  g_string_append (csv, "\r\n");
  csv_rows (csv, "category", categories);
  csv_rows (csv, "street", streets);
  csv_rows (csv, "team", teams);
  csv_rows (csv, "officer", officers);
  csv_rows (csv, "case_status", statuses);
  case_csv_rows (csv, "case_category", case_categories);
  case_csv_rows (csv, "case_team", case_teams);
  csv_rows (csv, "repeat_offender", repeat);
  coverage_csv_rows (csv, "coverage_team", week.coverage_teams);
  coverage_csv_rows (csv, "coverage_officer", week.coverage_officers);
  disposition = g_strdup_printf ("attachment; filename=\"weekly-%04d-W%02d.csv\"", week.year,
                                 week.week);
  xuncha_office_console_call_header (page->call, "Content-Disposition", disposition);
  xuncha_office_console_answer (page, 200, "text/csv; charset=utf-8",
                                g_string_free_to_bytes (csv));
}
