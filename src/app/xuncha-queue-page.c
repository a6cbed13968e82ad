/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-case-status.h"
#include "xuncha-queue-page-private.h"
#include "xuncha-queue-row.h"

#define THUMBNAIL_SIZE 56  /* as the row shows it (ui/xuncha-queue-row.ui) */
#define PROGRESS_REFRESH_MS 300

enum {
  KIND_REPORT,
  KIND_PHOTO,
  KIND_SHIFT,
  N_KINDS
};

static const char * const kinds[N_KINDS] = { "report", "photo", "shift" };
static const char * const tables[N_KINDS] = { "reports", "photos", "shifts" };

enum {
  PROP_0,
  PROP_STORE_WORKER,
  PROP_STREET_MAP,
  PROP_SYNC_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _XunchaQueuePage
{
  GtkWidget             parent_instance;

  XunchaStoreWorker    *worker;
  XunchaStreetMap      *street_map;
  XunchaSyncController *controller;
  GCancellable         *cancellable;
  GListStore           *items;         /* XunchaQueueItem, newest first */
  GHashTable           *rows;          /* uuid -> its XunchaQueueRow (owned by the list) */
  GHashTable           *thumbnails;    /* sha256 -> GdkTexture */
  gboolean              busy;
  gboolean              reload;        /* refresh again when the running read ends */
  gboolean              enrolled;      /* as the store said at the last read */
  guint                 n_rows_wanted; /* the newest reports listed; grows a page at a time */
  guint                 rows_per_page;
  gboolean              enrollment_read; /* whether enrolled says anything yet */
  guint                 progress_refresh;

  GtkWidget            *problem_box;
  GtkWidget            *keyless_box;
  GtkLabel             *keyless_title;
  GtkWidget            *reenroll_button;
  GtkLabel             *problem_title;
  GtkLabel             *problem_label;
  GtkLabel             *problem_detail;
  GtkLabel             *status_label;
  GtkStack             *sync_stack;
  GtkWidget            *sync_button;
  GtkWidget            *settings_button;
  GtkWidget            *retry_all_button;
  GtkProgressBar       *progress_bar;
  GtkWidget            *cancel_button;
  GtkGrid              *reconciliation_grid;
  GtkLabel             *reconciliation_label;
  GtkLabel             *count_labels[2][N_KINDS];   /* held, acknowledged */
  GtkListBox           *list;
  GtkWidget            *empty;
  GtkWidget            *older_button;
};

G_DEFINE_FINAL_TYPE (XunchaQueuePage, xuncha_queue_page, GTK_TYPE_WIDGET)

/* What the worker thread hands back: plain data, no widgets. ------------------------------ */

typedef struct
{
  char      *uuid;
  char      *category_name;
  char      *street_id;
  gint64     created_ms;
  char      *case_status;
  char      *thumb_sha256;
  GdkPixbuf *thumb;          /* NULL when the page holds it already, or none could be made */
  char      *state;          /* waiting | acked | failed */
  char      *receipt;
  char      *reason;         /* why it failed, or why the last try did not get through */
  gboolean   photo_failed;
} ReportItem;

static void
report_item_free (ReportItem *item)
{
  g_free (item->uuid);
  g_free (item->category_name);
  g_free (item->street_id);
  g_free (item->case_status);
  g_free (item->thumb_sha256);
  g_clear_object (&item->thumb);
  g_free (item->state);
  g_free (item->receipt);
  g_free (item->reason);
  g_free (item);
}

typedef struct
{
  GHashTable         *have_thumbnails;   /* sha256 set: not loaded again */
  GPtrArray          *reports;           /* ReportItem, newest first */
  guint               limit;             /* how many of the newest reports to read */
  gint64              held[N_KINDS];
  XunchaOutboxCounts  counts[N_KINDS];
  XunchaEnrollment   *enrollment;
  gboolean            keyless;   /* enrolled, but without a key to sign reports with */
} QueueData;

static void
queue_data_free (QueueData *data)
{
  g_clear_pointer (&data->have_thumbnails, g_hash_table_unref);
  g_clear_pointer (&data->reports, g_ptr_array_unref);
  g_clear_pointer (&data->enrollment, xuncha_enrollment_free);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QueueData, queue_data_free)

static void
replace_str (char       **target,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*target);
  *target = copy;
}

static char *
outbox_key (const char *kind,
            const char *item)
{
  return g_strconcat (kind, "/", item, NULL);
}

/* A report's state is its own outbox row's, except that it cannot go before its photos:
 * a photo the office refused makes the report fail with the photo's reason. */
static void
derive_state (ReportItem   *item,
              XunchaReport *report,
              GHashTable   *outbox)
{
  g_autofree char *key = outbox_key ("report", item->uuid);
  XunchaOutboxEntry *entry = g_hash_table_lookup (outbox, key);

  /* 'sending' is real: the sync marks a report so in the transaction that reads it. */
  item->state = g_strdup (entry != NULL ? entry->state : "waiting");
  if (entry != NULL)
    {
      item->receipt = g_strdup (entry->receipt);
      item->reason = g_strdup (entry->last_error);
    }
  if (!g_str_equal (item->state, "waiting"))
    return;

  for (guint i = 0; i < xuncha_report_get_n_photos (report); i++)
    {
      g_autofree char *photo_key = outbox_key ("photo", xuncha_report_get_photo_sha256 (report, i));
      XunchaOutboxEntry *photo = g_hash_table_lookup (outbox, photo_key);

      if (photo == NULL || photo->last_error == NULL)
        continue;
      if (g_str_equal (photo->state, "failed"))
        {
          replace_str (&item->state, "failed");
          replace_str (&item->reason, photo->last_error);
          item->photo_failed = TRUE;
          return;
        }
      if (item->reason == NULL && !g_str_equal (photo->state, "acked"))
        item->reason = g_strdup (photo->last_error);
    }
}

static GdkPixbuf *
load_thumbnail (XunchaPhotoStore *photos,
                const char       *sha256)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = xuncha_photo_store_get_thumbnail (photos, sha256, &error);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) square = NULL;
  int width, height, side;

  if (path == NULL)
    {
      g_debug ("No thumbnail of %s: %s", sha256, error->message);
      return NULL;
    }
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  if (pixbuf == NULL)
    {
      g_debug ("Thumbnail %s unreadable: %s", path, error->message);
      return NULL;
    }
  /* A square from the middle, at twice the shown size for 2× screens: every row's
   * picture has the same size whatever the photo's shape. */
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  side = MIN (width, height);
  square = gdk_pixbuf_new_subpixbuf (pixbuf, (width - side) / 2, (height - side) / 2, side, side);
  return gdk_pixbuf_scale_simple (square, THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2,
                                  GDK_INTERP_BILINEAR);
}

/* The newest reports get rows, a page at a time; "Show Older Reports" adds the next page.
 * A phone that was never synced may hold tens of thousands, and a row each at once would
 * stall the page. */
#define ROWS_PER_PAGE 200

/* Reading every report with its photos, making missing thumbnails and counting the
 * outbox can take a while with a full day's work: the store worker does it. */
static void
load_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  QueueData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) report_store = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) outbox = NULL;
  g_autoptr(GHashTable) names = NULL;

  if ((report_store = xuncha_report_store_new (store, &error)) == NULL
      || (reports = xuncha_report_store_list (report_store, data->limit, &error)) == NULL
      || (entries = xuncha_outbox_list (store, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  outbox = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_hash_table_insert (outbox, outbox_key (entry->kind, entry->item), entry);
    }
  names = xuncha_taxonomy_load_names (store);

  data->reports = g_ptr_array_new_with_free_func ((GDestroyNotify)report_item_free);
  for (guint i = 0; i < reports->len; i++)
    {
      XunchaReport *report = g_ptr_array_index (reports, i);
      const char *category = xuncha_report_get_category (report);
      const char *name = g_hash_table_lookup (names, category);
      ReportItem *item;

      if (g_task_return_error_if_cancelled (task))
        return;
      item = g_new0 (ReportItem, 1);
      item->uuid = g_strdup (xuncha_report_get_uuid (report));
      item->category_name = g_strdup (name != NULL ? name : category);
      item->street_id = g_strdup (xuncha_report_get_street_id (report));
      item->created_ms = xuncha_report_get_created_ms (report);
      item->case_status = g_strdup (xuncha_report_get_case_status (report));
      if (xuncha_report_get_n_photos (report) > 0)
        {
          item->thumb_sha256 = g_strdup (xuncha_report_get_photo_sha256 (report, 0));
          if (!g_hash_table_contains (data->have_thumbnails, item->thumb_sha256))
            item->thumb = load_thumbnail (xuncha_report_store_get_photo_store (report_store),
                                          item->thumb_sha256);
        }
      derive_state (item, report, outbox);
      g_ptr_array_add (data->reports, item);
    }

  for (guint k = 0; k < N_KINDS; k++)
    {
      data->held[k] = xuncha_store_count_rows (store, tables[k], &error);
      if (data->held[k] < 0 || !xuncha_outbox_count (store, kinds[k], &data->counts[k], &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  data->enrollment = xuncha_enrollment_load (store);
  if (data->enrollment != NULL)
    {
      g_autofree char *key = xuncha_store_get_meta (store, "evidence.device_key");

      /* Enrolled before signing keys (or at an office that takes none): its reports go
       * unsigned, and the office cannot hold them up as evidence. */
      data->keyless = key == NULL || *key == '\0';
    }
  g_task_return_boolean (task, TRUE);
}

/* Words. ---------------------------------------------------------------------------------- */

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) time = g_date_time_to_local (utc);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (time) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* TRANSLATORS: a report's time today; see g_date_time_format() */
    return g_date_time_format (time, C_("queue time", "%H:%M"));
  /* TRANSLATORS: a report's date and time before today; see g_date_time_format() */
  return g_date_time_format (time, C_("queue time", "%b %-d, %H:%M"));
}

static char *
format_iso_time (const char *iso)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, utc);

  return time != NULL ? format_time (g_date_time_to_unix (time) * 1000) : g_strdup (iso);
}

/* What a stopped sync means for the officer, and what to do. */
static void
describe_problem (const GError  *error,
                  const char   **title,
                  const char   **advice)
{
  *advice = NULL;
  if (error->domain != XUNCHA_SYNC_ERROR)
    {
      *title = _("The sync failed");
      *advice = _("What was not sent stays on this device. Try again; if it keeps failing, "
                  "ask the office.");
      return;
    }
  switch ((XunchaSyncError)error->code)
    {
    case XUNCHA_SYNC_ERROR_NOT_ENROLLED:
      *title = _("This device is not enrolled");
      *advice = _("Enroll it in Settings with your officer ID and the one-time code from the "
                  "office, then sync.");
      break;
    case XUNCHA_SYNC_ERROR_UNAUTHORIZED:
      *title = _("The office no longer accepts this device");
      *advice = _("Ask the office for a new code and enroll again in Settings. Nothing on "
                  "this device was lost.");
      break;
    case XUNCHA_SYNC_ERROR_FORBIDDEN:
      *title = _("The office refused this officer");
      *advice = _("Ask the office. Nothing on this device was lost.");
      break;
    case XUNCHA_SYNC_ERROR_TLS:
      switch (xuncha_sync_error_get_certificate_problem (error))
        {
        case XUNCHA_CERTIFICATE_PROBLEM_EXPIRED:
          *title = _("The office's certificate has expired");
          *advice = _("Nothing was sent. The office has to renew its certificate: tell the "
                      "office. If the phone's date is wrong, set it right first.");
          break;
        case XUNCHA_CERTIFICATE_PROBLEM_NOT_YET_VALID:
          *title = _("The office's certificate is not valid yet");
          *advice = _("Nothing was sent. The phone's date and time are probably wrong: set "
                      "them right and sync again.");
          break;
        case XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST:
          *title = _("The certificate does not belong to this server");
          *advice = _("Nothing was sent. Check the server address in Settings: it must be "
                      "the one the office gave you.");
          break;
        case XUNCHA_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER:
          *title = _("The certificate was not issued by a trusted authority");
          *advice = _("Nothing was sent. In Settings, choose the certificate authority file "
                      "the office gave you.");
          break;
        case XUNCHA_CERTIFICATE_PROBLEM_NONE:
        case XUNCHA_CERTIFICATE_PROBLEM_OTHER:
        default:
          *title = _("The office's certificate was refused");
          *advice = _("Nothing was sent. In Settings, check the server address and the "
                      "office certificate authority file; check the phone's date and time. "
                      "If it still fails, ask the office.");
          break;
        }
      break;
    case XUNCHA_SYNC_ERROR_PIN:
      *title = _("The office's key does not match");
      *advice = _("Nothing was sent. If the office changed its key, enroll again; otherwise "
                  "do not sync on this network and tell the office.");
      break;
    case XUNCHA_SYNC_ERROR_CAPTIVE:
      *title = _("Something other than the office answered");
      *advice = _("The network may want a login first (open a web page to log in), or the "
                  "server address is wrong. Nothing was counted as sent.");
      break;
    case XUNCHA_SYNC_ERROR_NETWORK:
      *title = _("The office could not be reached");
      *advice = _("Check that the phone is on the office network and that the office server "
                  "runs. What was not sent stays on this device and goes with the next "
                  "sync.");
      break;
    case XUNCHA_SYNC_ERROR_CONFIG:
      *title = _("The sync settings are not usable");
      *advice = _("Check the server address and the office certificate authority file in "
                  "Settings.");
      break;
    case XUNCHA_SYNC_ERROR_PROTOCOL:
      *title = _("The office's answer could not be read");
      *advice = _("The office may run another version. Ask the office; nothing on this "
                  "device was lost.");
      break;
    case XUNCHA_SYNC_ERROR_CANCELLED:
    case XUNCHA_SYNC_ERROR_FAILED:
    default:
      *title = _("The sync failed");
      *advice = _("What was not sent stays on this device. Try again; if it keeps failing, "
                  "ask the office.");
      break;
    }
}

/* Rows. ----------------------------------------------------------------------------------- */

static GdkPaintable *
get_thumbnail (XunchaQueuePage *self,
               ReportItem      *item)
{
  GdkTexture *texture;

  if (item->thumb_sha256 == NULL)
    return NULL;
  texture = g_hash_table_lookup (self->thumbnails, item->thumb_sha256);
  if (texture == NULL && item->thumb != NULL)
    {
      texture = gdk_texture_new_for_pixbuf (item->thumb);
      g_hash_table_insert (self->thumbnails, g_strdup (item->thumb_sha256), texture);
    }
  return texture != NULL ? GDK_PAINTABLE (texture) : NULL;
}

static XunchaQueueItem *
make_item (XunchaQueuePage *self,
           ReportItem      *item)
{
  g_autofree char *time = format_time (item->created_ms);
  g_autofree char *where = NULL;
  const char *street = item->street_id;

  if (street != NULL && self->street_map != NULL)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (self->street_map, street);
      if (segment != NULL && xuncha_street_segment_get_name (segment) != NULL)
        street = xuncha_street_segment_get_name (segment);
    }
  /* TRANSLATORS: a report's street, then its time */
  where = street != NULL ? g_strdup_printf (C_("queue row", "%s · %s"), street, time)
                         : g_strdup (time);
  return xuncha_queue_item_new (item->uuid, item->category_name, where, item->state,
                                item->case_status,
                                g_str_equal (item->state, "acked") ? item->receipt : NULL,
                                item->reason, get_thumbnail (self, item));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  XunchaQueuePage *self = user_data;
  GtkWidget *row = xuncha_queue_row_new (item);

  g_hash_table_insert (self->rows, g_strdup (xuncha_queue_item_get_uuid (item)), row);
  return row;
}

/* The list makes a row (create_row()) for each item put in the model. During a sync the
 * page is read every few hundred milliseconds: when the same reports are listed, only the
 * rows whose report changed are made again, so the list neither flickers nor loses the
 * officer's place. */
static void
replace_items (XunchaQueuePage *self,
               GPtrArray       *items)
{
  GListModel *model = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (model);
  gboolean same_reports = n == items->len;

  for (guint i = 0; same_reports && i < n; i++)
    {
      g_autoptr(XunchaQueueItem) old = g_list_model_get_item (model, i);

      same_reports = g_str_equal (xuncha_queue_item_get_uuid (old),
                                  xuncha_queue_item_get_uuid (g_ptr_array_index (items, i)));
    }
  if (!same_reports)
    {
      g_hash_table_remove_all (self->rows);
      g_list_store_splice (self->items, 0, n, items->pdata, items->len);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaQueueItem) old = g_list_model_get_item (model, i);

      if (!xuncha_queue_item_equal (old, g_ptr_array_index (items, i)))
        g_list_store_splice (self->items, i, 1, &items->pdata[i], 1);
    }
}

/* The page. ------------------------------------------------------------------------------- */

static void
show_problem (XunchaQueuePage *self,
              const char      *title,
              const char      *advice,
              const char      *detail)
{
  gtk_widget_set_visible (self->problem_box, title != NULL);
  if (title == NULL)
    return;
  gtk_label_set_text (self->problem_title, title);
  gtk_label_set_text (self->problem_label, advice != NULL ? advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), advice != NULL);
  gtk_label_set_text (self->problem_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_detail), detail != NULL);
}

/* Why the last sync stopped: this session's own sync, else what the store remembers of
 * the last one (another run of the app, or the command line). */
static void
update_problem (XunchaQueuePage  *self,
                XunchaEnrollment *enrollment)
{
  const GError *error = self->controller != NULL
                        ? xuncha_sync_controller_get_last_error (self->controller) : NULL;
  const char *title, *advice;

  if (self->controller != NULL && xuncha_sync_controller_get_running (self->controller))
    return;
  /* Enrolled since: that problem is solved. */
  if (enrollment != NULL
      && g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED))
    error = NULL;
  if (error != NULL && !g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_CANCELLED))
    {
      describe_problem (error, &title, &advice);
      show_problem (self, title, advice,
                    g_error_matches (error, XUNCHA_SYNC_ERROR, XUNCHA_SYNC_ERROR_NOT_ENROLLED)
                    ? NULL : error->message);
      return;
    }
  if (self->controller != NULL
      && (xuncha_sync_controller_get_last_result (self->controller) != NULL
          || xuncha_sync_controller_get_last_error (self->controller) != NULL))
    {
      /* This session's own sync is newer than what the store remembers. */
      show_problem (self, NULL, NULL, NULL);
      return;
    }
  if (error == NULL && enrollment != NULL && enrollment->last_result != NULL
      && !g_str_equal (enrollment->last_result, "ok")
      && !g_str_equal (enrollment->last_result, "failed"))
    {
      show_problem (self, _("The last sync stopped early"),
                    _("What was not sent stays on this device and goes with the next sync."),
                    enrollment->last_result);
      return;
    }
  show_problem (self, NULL, NULL, NULL);
}

static void
update_status (XunchaQueuePage  *self,
               XunchaEnrollment *enrollment,
               guint             failed,
               guint             waiting)
{
  g_autofree char *text = NULL;

  if (self->controller != NULL && xuncha_sync_controller_get_running (self->controller))
    text = g_strdup (xuncha_sync_controller_get_automatic (self->controller)
                     ? _("Syncing automatically…") : _("Syncing…"));
  else if (enrollment == NULL)
    text = g_strdup (_("Not enrolled with an office: enroll in Settings to send reports."));
  else
    {
      g_autofree char *who = g_strdup_printf (_("Enrolled as %s."), enrollment->officer_name != NULL
                                                                     ? enrollment->officer_name
                                                                     : enrollment->officer);
      g_autofree char *when = enrollment->last_sync_at != NULL
                              ? format_iso_time (enrollment->last_sync_at) : NULL;
      g_autofree char *last = when != NULL ? g_strdup_printf (_("Last sync %s."), when)
                                           : g_strdup (_("Not synced yet."));
      g_autofree char *left = NULL;

      if (failed > 0)
        left = g_strdup_printf (ngettext ("%u item needs a look.",
                                          "%u items need a look.", failed), failed);
      else if (waiting > 0)
        left = g_strdup_printf (ngettext ("%u item waits to be sent.",
                                          "%u items wait to be sent.", waiting), waiting);
      else
        left = g_strdup (_("Everything is with the office."));
      text = g_strjoin (" ", who, last, left, NULL);
    }
  gtk_label_set_text (self->status_label, text);
}

static void
update_reconciliation (XunchaQueuePage *self,
                       QueueData       *data)
{
  guint missing = 0;

  for (guint k = 0; k < N_KINDS; k++)
    {
      g_autofree char *held = g_strdup_printf ("%" G_GINT64_FORMAT, data->held[k]);
      g_autofree char *acked = g_strdup_printf ("%u", data->counts[k].acked);

      gtk_label_set_text (self->count_labels[0][k], held);
      gtk_label_set_text (self->count_labels[1][k], acked);
      if (data->held[k] > (gint64)data->counts[k].acked)
        missing += (guint)(data->held[k] - data->counts[k].acked);
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_labels[1][k]), "queue-short");
      if (data->held[k] > (gint64)data->counts[k].acked)
        gtk_widget_add_css_class (GTK_WIDGET (self->count_labels[1][k]), "queue-short");
    }
  if (missing == 0)
    gtk_label_set_text (self->reconciliation_label,
                        _("The office has acknowledged everything this device holds."));
  else
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("%u item on this device is not acknowledged yet. Nothing "
                                   "is deleted from the device.",
                                   "%u items on this device are not acknowledged yet. "
                                   "Nothing is deleted from the device.", missing), missing);
      gtk_label_set_text (self->reconciliation_label, text);
    }
}

static void
update_buttons (XunchaQueuePage *self,
                guint            failed)
{
  gboolean running = self->controller != NULL
                     && xuncha_sync_controller_get_running (self->controller);

  gtk_stack_set_visible_child_name (self->sync_stack, running ? "running" : "idle");
  /* Not enrolled, a sync can only fail: the way to Settings is offered instead. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.sync",
                                 self->controller != NULL && !running && self->enrolled);
  gtk_widget_set_visible (self->settings_button, self->enrollment_read && !self->enrolled);
  if (self->enrolled)
    gtk_widget_add_css_class (self->sync_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->sync_button, "suggested-action");
  gtk_widget_set_visible (self->retry_all_button, failed > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.retry-failed",
                                 self->controller != NULL && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.retry",
                                 self->controller != NULL && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.cancel",
                                 self->controller != NULL && running);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (source);
  QueueData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint failed = 0, waiting = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      self->reload = FALSE;
      g_clear_object (&self->cancellable);
      g_warning ("Could not read the queue: %s", error->message);
      show_problem (self, _("The queue could not be read"), NULL, error->message);
      return;
    }
  self->busy = FALSE;
  g_clear_object (&self->cancellable);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < data->reports->len; i++)
    {
      ReportItem *item = g_ptr_array_index (data->reports, i);

      g_ptr_array_add (items, make_item (self, item));
      if (g_str_equal (item->state, "failed"))
        failed++;
      else if (g_str_equal (item->state, "waiting"))
        waiting++;
    }
  replace_items (self, items);
  for (guint k = KIND_PHOTO; k < N_KINDS; k++)
    waiting += data->counts[k].waiting;
  gtk_widget_set_visible (GTK_WIDGET (self->list), data->reports->len > 0);
  gtk_widget_set_visible (self->older_button,
                          data->held[KIND_REPORT] > (gint64)data->reports->len);
  gtk_widget_set_visible (self->empty, data->reports->len == 0);

  self->enrolled = data->enrollment != NULL;
  self->enrollment_read = TRUE;
  gtk_widget_set_visible (self->keyless_box, data->keyless);
  update_reconciliation (self, data);
  update_status (self, data->enrollment, failed, waiting);
  update_problem (self, data->enrollment);
  update_buttons (self, failed + data->counts[KIND_PHOTO].failed + data->counts[KIND_SHIFT].failed);

  if (self->reload)
    {
      self->reload = FALSE;
      xuncha_queue_page_refresh (self);
    }
}

static void
on_sync_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (widget);

  if (self->controller != NULL)
    xuncha_sync_controller_sync_now (self->controller);
}

static void
on_retry_failed_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (widget);

  if (self->controller != NULL)
    xuncha_sync_controller_retry (self->controller, NULL, NULL);
}

/* A row's Retry: that report alone. */
static void
on_retry_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (widget);

  if (self->controller != NULL)
    xuncha_sync_controller_retry (self->controller, "report", g_variant_get_string (parameter,
                                                                                    NULL));
}

static void
on_show_older_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (widget);

  self->n_rows_wanted += self->rows_per_page;
  xuncha_queue_page_refresh (self);
}

static void
on_cancel_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (widget);

  if (self->controller != NULL)
    xuncha_sync_controller_cancel (self->controller);
}

static void
on_sync_started (XunchaSyncController *controller,
                 gboolean              automatic,
                 XunchaQueuePage      *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Connecting to the office…"));
  gtk_label_set_text (self->status_label, automatic ? _("Syncing automatically…")
                                                    : _("Syncing…"));
  show_problem (self, NULL, NULL, NULL);
  update_buttons (self, 0);
}

static void
on_progress_refresh (gpointer user_data)
{
  XunchaQueuePage *self = user_data;

  self->progress_refresh = 0;
  xuncha_queue_page_refresh (self);
}

static void
on_sync_progress (XunchaSyncController *controller,
                  guint                 items_done,
                  guint                 items_total,
                  guint64               bytes_done,
                  guint64               bytes_total,
                  XunchaQueuePage      *self)
{
  g_autofree char *items = NULL;
  g_autofree char *text = NULL;
  double fraction;

  items = g_strdup_printf (ngettext ("%u of %u item", "%u of %u items",
                                     items_total), items_done, items_total);
  if (bytes_total > 0)
    {
      g_autofree char *done = g_format_size (MIN (bytes_done, bytes_total));
      g_autofree char *total = g_format_size (bytes_total);
      /* TRANSLATORS: items sent of all, then photo bytes sent of all */
      text = g_strdup_printf (_("%s · %s of %s"), items, done, total);
      /* Bytes are what takes the time on a slow link. */
      fraction = (double)MIN (bytes_done, bytes_total) / (double)bytes_total;
    }
  else
    {
      text = g_steal_pointer (&items);
      fraction = items_total > 0 ? (double)items_done / items_total : 0;
    }
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  gtk_progress_bar_set_text (self->progress_bar, text);

  /* The rows follow the store as the sync goes (a report turns 'sending', then
   * acknowledged); progress comes often during an upload, so reads are spaced out. */
  if (self->progress_refresh == 0)
    self->progress_refresh = g_timeout_add_once (PROGRESS_REFRESH_MS, on_progress_refresh, self);
}

static void
on_sync_finished (XunchaSyncController *controller,
                  XunchaQueuePage      *self)
{
  xuncha_queue_page_refresh (self);
}

static void
xuncha_queue_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE_WORKER:
      g_value_set_object (value, self->worker);
      break;
    case PROP_STREET_MAP:
      g_value_set_object (value, self->street_map);
      break;
    case PROP_SYNC_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_queue_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  XunchaQueuePage *self = XUNCHA_QUEUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE_WORKER:
      xuncha_queue_page_set_store_worker (self, g_value_get_object (value));
      break;
    case PROP_STREET_MAP:
      xuncha_queue_page_set_street_map (self, g_value_get_object (value));
      break;
    case PROP_SYNC_CONTROLLER:
      xuncha_queue_page_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_queue_page_dispose (GObject *object)
{
  XunchaQueuePage *self = (XunchaQueuePage *)object;

  g_clear_handle_id (&self->progress_refresh, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->items);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_QUEUE_PAGE);
  g_clear_object (&self->worker);
  g_clear_object (&self->street_map);
  g_clear_object (&self->controller);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);

  G_OBJECT_CLASS (xuncha_queue_page_parent_class)->dispose (object);
}

static void
xuncha_queue_page_class_init (XunchaQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_queue_page_get_property;
  object_class->set_property = xuncha_queue_page_set_property;
  object_class->dispose = xuncha_queue_page_dispose;

  /* Bound by the window to the application's. */
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STREET_MAP] =
    g_param_spec_object ("street-map", NULL, NULL, XUNCHA_TYPE_STREET_MAP,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SYNC_CONTROLLER] =
    g_param_spec_object ("sync-controller", NULL, NULL, XUNCHA_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, problem_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, keyless_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, keyless_title);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, reenroll_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, problem_title);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, problem_detail);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, sync_stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, settings_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, retry_all_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, reconciliation_grid);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, reconciliation_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, list);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, empty);
  gtk_widget_class_bind_template_child (widget_class, XunchaQueuePage, older_button);
  gtk_widget_class_install_action (widget_class, "queue.sync", NULL, on_sync_action);
  gtk_widget_class_install_action (widget_class, "queue.retry-failed", NULL,
                                   on_retry_failed_action);
  gtk_widget_class_install_action (widget_class, "queue.retry", "s", on_retry_action);
  gtk_widget_class_install_action (widget_class, "queue.cancel", NULL, on_cancel_action);
  gtk_widget_class_install_action (widget_class, "queue.show-older", NULL, on_show_older_action);
}

static void
xuncha_queue_page_init (XunchaQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->items = g_list_store_new (XUNCHA_TYPE_QUEUE_ITEM);
  self->rows_per_page = ROWS_PER_PAGE;
  self->n_rows_wanted = ROWS_PER_PAGE;
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->items), create_row, self, NULL);
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint r = 0; r < 2; r++)
    for (guint k = 0; k < N_KINDS; k++)
      {
        GtkWidget *label = gtk_label_new ("–");

        gtk_label_set_xalign (GTK_LABEL (label), 1);
        gtk_widget_add_css_class (label, "value-label");
        gtk_grid_attach (self->reconciliation_grid, label, (int)k + 1, (int)r + 1, 1, 1);
        self->count_labels[r][k] = GTK_LABEL (label);
      }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.cancel", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->list), FALSE);
}

void
xuncha_queue_page_set_store_worker (XunchaQueuePage   *self,
                                    XunchaStoreWorker *worker)
{
  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));
  g_return_if_fail (worker == NULL || XUNCHA_IS_STORE_WORKER (worker));

  if (!g_set_object (&self->worker, worker))
    return;
  xuncha_queue_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
}

void
xuncha_queue_page_set_street_map (XunchaQueuePage *self,
                                  XunchaStreetMap *map)
{
  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));
  g_return_if_fail (map == NULL || XUNCHA_IS_STREET_MAP (map));

  if (!g_set_object (&self->street_map, map))
    return;
  xuncha_queue_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREET_MAP]);
}

void
xuncha_queue_page_set_controller (XunchaQueuePage      *self,
                                  XunchaSyncController *controller)
{
  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));
  g_return_if_fail (controller == NULL || XUNCHA_IS_SYNC_CONTROLLER (controller));

  if (self->controller == controller)
    return;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    {
      g_signal_connect_object (controller, "started", G_CALLBACK (on_sync_started), self, 0);
      g_signal_connect_object (controller, "progress", G_CALLBACK (on_sync_progress), self, 0);
      g_signal_connect_object (controller, "finished", G_CALLBACK (on_sync_finished), self, 0);
    }
  update_buttons (self, 0);
  xuncha_queue_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_CONTROLLER]);
}

void
xuncha_queue_page_refresh (XunchaQueuePage *self)
{
  g_autoptr(GTask) task = NULL;
  QueueData *data;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));

  if (self->worker == NULL)
    return;
  /* One read at a time; a change meanwhile is read right after. */
  if (self->busy)
    {
      self->reload = TRUE;
      return;
    }

  self->busy = TRUE;
  self->cancellable = g_cancellable_new ();
  data = g_new0 (QueueData, 1);
  data->limit = self->n_rows_wanted;
  data->have_thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, self->thumbnails);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (data->have_thumbnails, g_strdup (key));

  task = g_task_new (self, self->cancellable, on_loaded, NULL);
  g_task_set_source_tag (task, xuncha_queue_page_refresh);
  g_task_set_task_data (task, data, (GDestroyNotify)queue_data_free);
  xuncha_store_worker_run (self->worker, task, load_job);
}

gboolean
xuncha_queue_page_is_busy (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), FALSE);
  return self->busy || self->reload;
}

guint
xuncha_queue_page_get_n_rows (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), 0);
  return g_hash_table_size (self->rows);
}

const char *
xuncha_queue_page_get_state (XunchaQueuePage *self,
                             const char      *uuid)
{
  XunchaQueueRow *row;

  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);

  row = g_hash_table_lookup (self->rows, uuid);
  return row != NULL ? xuncha_queue_item_get_state (xuncha_queue_row_get_item (row)) : NULL;
}

char *
xuncha_queue_page_get_row_text (XunchaQueuePage *self,
                                const char      *uuid)
{
  XunchaQueueRow *row;

  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);

  row = g_hash_table_lookup (self->rows, uuid);
  return row != NULL ? xuncha_queue_row_get_text (row) : NULL;
}

GtkWidget *
xuncha_queue_page_get_retry_button (XunchaQueuePage *self,
                                    const char      *uuid)
{
  XunchaQueueRow *row;

  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);

  row = g_hash_table_lookup (self->rows, uuid);
  return row != NULL ? xuncha_queue_row_get_retry_button (row) : NULL;
}

char *
xuncha_queue_page_get_problem (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);

  if (!gtk_widget_get_visible (self->problem_box))
    return NULL;
  return g_strjoin ("\n", gtk_label_get_text (self->problem_title),
                    gtk_label_get_text (self->problem_label),
                    gtk_label_get_text (self->problem_detail), NULL);
}

const char *
xuncha_queue_page_get_reconciliation (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);
  return gtk_label_get_text (self->reconciliation_label);
}

GtkWidget *
xuncha_queue_page_get_row (XunchaQueuePage *self,
                           const char      *uuid)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);
  return g_hash_table_lookup (self->rows, uuid);
}

void
xuncha_queue_page_set_rows_per_page (XunchaQueuePage *self,
                                     guint            n)
{
  g_return_if_fail (XUNCHA_IS_QUEUE_PAGE (self));
  g_return_if_fail (n > 0);

  self->rows_per_page = n;
  self->n_rows_wanted = n;
  xuncha_queue_page_refresh (self);
}

GtkWidget *
xuncha_queue_page_get_older_button (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);
  return gtk_widget_get_visible (self->older_button) ? self->older_button : NULL;
}

const char *
xuncha_queue_page_get_keyless_warning (XunchaQueuePage *self)
{
  g_return_val_if_fail (XUNCHA_IS_QUEUE_PAGE (self), NULL);
  return gtk_widget_get_visible (self->keyless_box) ? gtk_label_get_text (self->keyless_title)
                                                    : NULL;
}
