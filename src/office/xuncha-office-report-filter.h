/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which reports the console asks for: every member set narrows the answer, NULL or the
 * open value leaves it out. The records answer it from indexes (a date range, a category,
 * a street, an officer or a team, a case status, a bounding box), never by reading every
 * report. */
typedef struct
{
  gint64   from_s;        /* created at or after (Unix seconds); G_MININT64: no bound */
  gint64   to_s;          /* created before (Unix seconds); G_MAXINT64: no bound */
  char    *category;      /* a taxonomy code */
  char    *street_name;   /* part of the name of the report's street segment */
  char    *street_class;  /* strict | class1 | class2 | other */
  char    *team;          /* the reporting officer's team */
  char    *officer;       /* the reporting officer's id or name */
  char    *status;        /* a case status; "new" for none set yet */
  gint64   overdue_before_us; /* 0: any; else only running cases (filed, not closed) whose
                               * deadline (Unix microseconds) is before this */
  gboolean has_bbox;      /* only reports with a position inside: */
  double   west, south, east, north;
} XunchaOfficeReportFilter;

/* A cell of the map's grid: how many reports fall in it and their mean position. */
typedef struct
{
  guint    column;
  guint    row;
  gint64   count;
  double   lat;
  double   lon;
} XunchaOfficeReportCell;

/* What the reports are counted by (reports_count()). */
typedef enum
{
  XUNCHA_OFFICE_REPORT_GROUP_CATEGORY,   /* key: the category code */
  XUNCHA_OFFICE_REPORT_GROUP_STREET,     /* key: the street's name, detail: its class */
  XUNCHA_OFFICE_REPORT_GROUP_OFFICER,    /* key: the officer's id */
  XUNCHA_OFFICE_REPORT_GROUP_STATUS,     /* key: the case status, NULL for none yet */
  XUNCHA_OFFICE_REPORT_GROUP_MERCHANT,   /* key: the merchant's id (reports naming one) */
} XunchaOfficeReportGroup;

/* How many reports share a key. */
typedef struct
{
  char    *key;       /* nullable */
  char    *detail;    /* nullable */
  gint64   count;
} XunchaOfficeReportCount;

void                      xuncha_office_report_count_free (XunchaOfficeReportCount *count);

XunchaOfficeReportFilter *xuncha_office_report_filter_new  (void);
void                      xuncha_office_report_filter_free (XunchaOfficeReportFilter *filter);
/* The Unix seconds of an ISO 8601 time, as the records keep a report's created_at for the
 * date range; FALSE for a time that cannot be read. */
gboolean                  xuncha_office_report_filter_created_s (const char *created_at,
                                                                 gint64     *seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaOfficeReportFilter, xuncha_office_report_filter_free)

G_END_DECLS
