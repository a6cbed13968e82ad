/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "xuncha-case-status.h"
#include "xuncha-report-view-private.h"

/* Photos are shown as wide as a phone's screen at twice its density, and no larger:
 * decoding a 12-megapixel photo whole would only cost memory. */
#define PHOTO_MAX_EDGE 720

enum {
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaReportView
{
  GtkWidget          parent_instance;

  XunchaStoreWorker *worker;
  XunchaStreetMap   *street_map;
  GCancellable      *cancellable;
  char              *uuid;
  char              *state;          /* as shown; NULL before the report was read */
  GPtrArray         *rows;           /* AdwActionRow in details_group (borrowed) */

  AdwWindowTitle    *title;
  GtkWidget         *back_button;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *problem;
  GtkWidget         *photo_box;
  GtkBox            *photos;
  GtkLabel          *state_label;
  GtkLabel          *case_label;
  GtkLabel          *receipt_label;
  GtkLabel          *reason_label;
  GtkLabel          *lock_label;
  AdwPreferencesGroup *details_group;
  GtkWidget         *edit_button;
  GtkWidget         *reinspect_button;
};

G_DEFINE_FINAL_TYPE (XunchaReportView, xuncha_report_view, GTK_TYPE_WIDGET)

/* What the worker thread hands back: plain data, no widgets. ------------------------------ */

typedef struct
{
  char         *uuid;
  XunchaReport *report;
  char         *category_name;
  char         *category_fields;   /* the category's field specs (JSON), or NULL */
  char         *state;             /* waiting | sending | acked | failed */
  char         *receipt;
  char         *reason;
  char         *acked_at;
  GPtrArray    *pixbufs;           /* GdkPixbuf, one per photo that could be read */
} ViewData;

static void
view_data_free (ViewData *data)
{
  g_free (data->uuid);
  g_clear_object (&data->report);
  g_free (data->category_name);
  g_free (data->category_fields);
  g_free (data->state);
  g_free (data->receipt);
  g_free (data->reason);
  g_free (data->acked_at);
  g_clear_pointer (&data->pixbufs, g_ptr_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ViewData, view_data_free)

static GdkPixbuf *
load_photo (XunchaPhotoStore *photos,
            const char       *sha256)
{
  g_autofree char *path = xuncha_photo_store_get_path (photos, sha256);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, PHOTO_MAX_EDGE, PHOTO_MAX_EDGE, TRUE,
                                              &error);
  if (pixbuf == NULL)
    {
      g_debug ("Photo %s unreadable: %s", sha256, error->message);
      return NULL;
    }
  /* A photo taken with the phone held upright says so in its EXIF orientation. */
  return gdk_pixbuf_apply_embedded_orientation (pixbuf);
}

/* A report's state is its own outbox row's, except that it cannot go before its photos: a
 * photo the office refused makes it fail with the photo's reason (as the queue shows). */
static void
read_state (ViewData    *data,
            GPtrArray   *entries)
{
  XunchaReport *report = data->report;
  g_autoptr(GHashTable) photos = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < entries->len; i++)
    {
      XunchaOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->kind, "photo"))
        g_hash_table_insert (photos, entry->item, entry);
      else if (g_str_equal (entry->kind, "report") && g_str_equal (entry->item, data->uuid))
        {
          data->state = g_strdup (entry->state);
          data->receipt = g_strdup (entry->receipt);
          data->reason = g_strdup (entry->last_error);
          data->acked_at = g_strdup (entry->acked_at);
        }
    }
  if (data->state == NULL)
    data->state = g_strdup ("waiting");
  if (!g_str_equal (data->state, "waiting"))
    return;
  for (guint i = 0; i < xuncha_report_get_n_photos (report); i++)
    {
      XunchaOutboxEntry *photo = g_hash_table_lookup (photos,
                                                      xuncha_report_get_photo_sha256 (report, i));

      if (photo == NULL || photo->last_error == NULL)
        continue;
      if (g_str_equal (photo->state, "failed"))
        {
          g_free (data->state);
          data->state = g_strdup ("failed");
          g_free (data->reason);
          data->reason = g_strdup (photo->last_error);
          return;
        }
      if (data->reason == NULL && !g_str_equal (photo->state, "acked"))
        data->reason = g_strdup (photo->last_error);
    }
}

static void
load_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  ViewData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = NULL;
  XunchaCategory *category;

  if ((reports = xuncha_report_store_new (store, &error)) == NULL
      || (data->report = xuncha_report_store_get (reports, data->uuid, &error)) == NULL
      || (entries = xuncha_outbox_list (store, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  read_state (data, entries);

  taxonomy = xuncha_taxonomy_new_from_store (store, NULL);
  category = taxonomy != NULL
             ? xuncha_taxonomy_lookup (taxonomy, xuncha_report_get_category (data->report))
             : NULL;
  data->category_name = g_strdup (category != NULL ? xuncha_category_get_name (category)
                                                   : xuncha_report_get_category (data->report));
  if (category != NULL)
    data->category_fields = g_strdup (xuncha_category_get_fields_json (category));

  data->pixbufs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < xuncha_report_get_n_photos (data->report); i++)
    {
      GdkPixbuf *pixbuf;

      if (g_task_return_error_if_cancelled (task))
        return;
      pixbuf = load_photo (xuncha_report_store_get_photo_store (reports),
                           xuncha_report_get_photo_sha256 (data->report, i));
      if (pixbuf != NULL)
        g_ptr_array_add (data->pixbufs, pixbuf);
    }
  g_task_return_boolean (task, TRUE);
}

/* Words. ---------------------------------------------------------------------------------- */

static char *
format_iso_local (const char *iso)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, utc) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static const char *
json_member_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A field spec's or a choice's name in the officer's language. */
static const char *
localized (JsonObject *object)
{
  const char *zh = json_member_string (object, "zh");
  const char *en = json_member_string (object, "en");

  return xuncha_locale_prefers_chinese () && zh != NULL ? zh : (en != NULL ? en : zh);
}

static const char *
position_source_label (XunchaPositionSource source)
{
  switch (source)
    {
    case XUNCHA_POSITION_SOURCE_GPS:
      return _("The phone's position");
    case XUNCHA_POSITION_SOURCE_MANUAL:
      return _("Placed by hand");
    case XUNCHA_POSITION_SOURCE_EXIF:
      return _("The photo's position");
    case XUNCHA_POSITION_SOURCE_TRACK:
      return _("The route at the photo's time");
    case XUNCHA_POSITION_SOURCE_NONE:
    default:
      return _("No position");
    }
}

static const char *
disposition_label (XunchaDisposition disposition)
{
  switch (disposition)
    {
    case XUNCHA_DISPOSITION_CORRECTED:
      return _("Corrected on the spot");
    case XUNCHA_DISPOSITION_DEADLINE:
      return _("Rectification deadline");
    case XUNCHA_DISPOSITION_CASE:
      return _("Filed as a case");
    case XUNCHA_DISPOSITION_NONE:
    default:
      return _("Not decided yet");
    }
}

/* The page. ------------------------------------------------------------------------------- */

static void
add_row (XunchaReportView *self,
         const char       *title,
         const char       *value)
{
  GtkWidget *row = adw_action_row_new ();

  /* A note or a field is the officer's own text: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "report-detail");
  adw_preferences_group_add (self->details_group, row);
  g_ptr_array_add (self->rows, row);
}

/* The category's own fields (the phone number on a small ad...) with their names and the
 * chosen option's name, in the order the category asks for them. */
static void
add_field_rows (XunchaReportView *self,
                const char       *specs_json,
                const char       *values_json)
{
  g_autoptr(JsonParser) specs_parser = json_parser_new ();
  g_autoptr(JsonParser) values_parser = json_parser_new ();
  JsonObject *values;
  JsonArray *specs = NULL;

  if (values_json == NULL || !json_parser_load_from_data (values_parser, values_json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (values_parser)))
    return;
  values = json_node_get_object (json_parser_get_root (values_parser));
  if (specs_json != NULL && json_parser_load_from_data (specs_parser, specs_json, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (specs_parser)))
    specs = json_node_get_array (json_parser_get_root (specs_parser));

  for (guint i = 0; specs != NULL && i < json_array_get_length (specs); i++)
    {
      JsonNode *node = json_array_get_element (specs, i);
      JsonObject *spec;
      const char *id, *value, *label;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      spec = json_node_get_object (node);
      id = json_member_string (spec, "id");
      value = id != NULL ? json_member_string (values, id) : NULL;
      if (value == NULL || *value == '\0')
        continue;
      label = localized (spec);
      if (json_object_has_member (spec, "choices")
          && JSON_NODE_HOLDS_ARRAY (json_object_get_member (spec, "choices")))
        {
          JsonArray *choices = json_object_get_array_member (spec, "choices");

          for (guint c = 0; c < json_array_get_length (choices); c++)
            {
              JsonNode *choice = json_array_get_element (choices, c);

              if (JSON_NODE_HOLDS_OBJECT (choice)
                  && g_strcmp0 (json_member_string (json_node_get_object (choice), "id"),
                                value) == 0
                  && localized (json_node_get_object (choice)) != NULL)
                value = localized (json_node_get_object (choice));
            }
        }
      add_row (self, label != NULL ? label : id, value);
    }
}

static void
show_state (XunchaReportView *self,
            ViewData         *data)
{
  static const char * const styles[] = {
    "queue-waiting", "queue-sending", "queue-acked", "queue-failed"
  };
  const char *case_status = xuncha_report_get_case_status (data->report);
  const char *state = data->state;
  const char *style, *text, *lock;
  g_autofree char *reason = NULL;
  g_autofree char *receipt = NULL;

  if (g_str_equal (state, "acked"))
    {
      g_autofree char *when = format_iso_local (data->acked_at);

      style = "queue-acked";
      text = _("Acknowledged by the office");
      if (data->receipt != NULL)
        receipt = when != NULL ? g_strdup_printf (_("Receipt %s · %s"), data->receipt, when)
                               : g_strdup_printf (_("Receipt %s"), data->receipt);
      lock = _("The office has this report, so it can no longer be changed on this device. "
               "What you find later goes in a re-inspection.");
    }
  else if (g_str_equal (state, "failed"))
    {
      style = "queue-failed";
      text = _("Not sent");
      reason = g_strdup (data->reason != NULL ? data->reason : _("The office refused it."));
      lock = _("It stays on this device, as it was sent, and cannot be changed here. Retry it "
               "on the Queue page once the cause is fixed.");
    }
  else if (g_str_equal (state, "sending"))
    {
      style = "queue-sending";
      text = _("Sending…");
      lock = _("It is being sent to the office right now, so it cannot be changed.");
    }
  else
    {
      style = "queue-waiting";
      text = _("Waiting to be sent");
      if (data->reason != NULL)
        reason = g_strdup_printf (_("The last try did not get through: %s"), data->reason);
      lock = _("It waits on this device until the next sync: you can still change it.");
    }

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), styles[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), style);
  gtk_label_set_text (self->state_label, text);
  gtk_label_set_text (self->receipt_label, receipt != NULL ? receipt : "");
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), receipt != NULL);
  gtk_label_set_text (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL);
  gtk_label_set_text (self->lock_label, lock);

  gtk_widget_remove_css_class (GTK_WIDGET (self->case_label), "case-open");
  gtk_widget_remove_css_class (GTK_WIDGET (self->case_label), "case-closed");
  gtk_widget_remove_css_class (GTK_WIDGET (self->case_label), "case-returned");
  gtk_widget_set_visible (GTK_WIDGET (self->case_label),
                          case_status != NULL && *case_status != '\0');
  if (case_status != NULL && *case_status != '\0')
    {
      const char *case_style = NULL;

      gtk_label_set_text (self->case_label, xuncha_case_status_describe (case_status,
                                                                         &case_style));
      gtk_widget_add_css_class (GTK_WIDGET (self->case_label), case_style);
    }

  /* Only a waiting report can be changed: the store refuses an edit of any other. */
  gtk_widget_set_visible (self->edit_button, g_str_equal (state, "waiting"));
  gtk_widget_set_visible (self->reinspect_button, g_str_equal (state, "acked"));
  g_free (self->state);
  self->state = g_strdup (state);
}

/* The photos: one fills the width; more are shown a little narrower, side by side, so
 * the next one peeks in and says there is more. */
#define PHOTO_HEIGHT 220
#define PHOTO_WIDTH_OF_SEVERAL 280

static void
show_photos (XunchaReportView *self,
             ViewData         *data)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photos))) != NULL)
    gtk_box_remove (self->photos, child);
  for (guint i = 0; i < data->pixbufs->len; i++)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (g_ptr_array_index (data->pixbufs,
                                                                                     i));
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, data->pixbufs->len > 1 ? PHOTO_WIDTH_OF_SEVERAL : -1,
                                   PHOTO_HEIGHT);
      gtk_widget_set_hexpand (picture, TRUE);
      gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
      gtk_widget_add_css_class (picture, "report-photo");
      gtk_box_append (self->photos, picture);
    }
  gtk_widget_set_visible (self->photo_box, data->pixbufs->len > 0);
}

static void
show_details (XunchaReportView *self,
              ViewData         *data)
{
  XunchaReport *report = data->report;
  const char *street = xuncha_report_get_street_id (report);
  g_autofree char *created = format_iso_local (xuncha_report_get_created_at (report));
  g_autofree char *position = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->details_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  add_row (self, _("Category"), data->category_name);
  if (street != NULL && self->street_map != NULL)
    {
      XunchaStreetSegment *segment = xuncha_street_map_lookup (self->street_map, street);

      if (segment != NULL && xuncha_street_segment_get_name (segment) != NULL)
        street = xuncha_street_segment_get_name (segment);
    }
  add_row (self, _("Street"), street != NULL ? street : _("No street"));
  add_row (self, _("Time"), created != NULL ? created : "");
  if (xuncha_report_has_position (report) && !isnan (xuncha_report_get_accuracy (report)))
    /* TRANSLATORS: where a report's position came from, then its accuracy in metres */
    position = g_strdup_printf (_("%s · ±%.0f m"),
                                position_source_label (xuncha_report_get_position_source (report)),
                                xuncha_report_get_accuracy (report));
  else
    position = g_strdup (position_source_label (xuncha_report_has_position (report)
                                                ? xuncha_report_get_position_source (report)
                                                : XUNCHA_POSITION_SOURCE_NONE));
  add_row (self, _("Position"), position);
  add_field_rows (self, data->category_fields, xuncha_report_get_fields_json (report));
  add_row (self, _("Disposition"), disposition_label (xuncha_report_get_disposition (report)));
  if (xuncha_report_get_deadline (report) != NULL)
    add_row (self, _("Deadline"), xuncha_report_get_deadline (report));
  if (xuncha_report_get_note (report) != NULL && *xuncha_report_get_note (report) != '\0')
    add_row (self, _("Note"), xuncha_report_get_note (report));
  if (xuncha_report_get_parent_uuid (report) != NULL)
    add_row (self, _("Re-inspection"), _("Of an earlier report at this place"));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  XunchaReportView *self = XUNCHA_REPORT_VIEW (source);
  ViewData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->cancellable);
      gtk_spinner_stop (self->spinner);
      g_warning ("Could not read report %s: %s", data->uuid, error->message);
      adw_status_page_set_description (self->problem, error->message);
      gtk_stack_set_visible_child_name (self->stack, "problem");
      return;
    }
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);

  subtitle = format_iso_local (xuncha_report_get_created_at (data->report));
  adw_window_title_set_title (self->title, data->category_name);
  adw_window_title_set_subtitle (self->title, subtitle != NULL ? subtitle : "");
  /* The target first: an action named without its target would be a mismatch. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit_button), "s", data->uuid);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->edit_button), "win.edit-report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reinspect_button), "s", data->uuid);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reinspect_button), "win.reinspect");
  show_photos (self, data);
  show_state (self, data);
  show_details (self, data);
  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
on_back_clicked (XunchaReportView *self)
{
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
xuncha_report_view_dispose (GObject *object)
{
  XunchaReportView *self = (XunchaReportView *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_REPORT_VIEW);
  g_clear_object (&self->worker);
  g_clear_object (&self->street_map);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->state, g_free);

  G_OBJECT_CLASS (xuncha_report_view_parent_class)->dispose (object);
}

static void
xuncha_report_view_class_init (XunchaReportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_report_view_dispose;

  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-report-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, title);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, back_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, problem);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, photo_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, photos);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, state_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, case_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, receipt_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, reason_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, lock_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, details_group);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, edit_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportView, reinspect_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
xuncha_report_view_init (XunchaReportView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

XunchaReportView *
xuncha_report_view_new (void)
{
  return g_object_new (XUNCHA_TYPE_REPORT_VIEW, NULL);
}

void
xuncha_report_view_load (XunchaReportView  *self,
                         XunchaStoreWorker *worker,
                         XunchaStreetMap   *map,
                         const char        *uuid)
{
  g_return_if_fail (XUNCHA_IS_REPORT_VIEW (self));
  g_return_if_fail (XUNCHA_IS_STORE_WORKER (worker));
  g_return_if_fail (map == NULL || XUNCHA_IS_STREET_MAP (map));
  g_return_if_fail (uuid != NULL);

  g_set_object (&self->worker, worker);
  g_set_object (&self->street_map, map);
  if (g_strcmp0 (self->uuid, uuid) != 0)
    {
      g_free (self->uuid);
      self->uuid = g_strdup (uuid);
      g_clear_pointer (&self->state, g_free);
      /* Nothing of the report shown before stays while this one is read. */
      adw_window_title_set_title (self->title, _("Report"));
      adw_window_title_set_subtitle (self->title, "");
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  xuncha_report_view_reload (self);
}

void
xuncha_report_view_reload (XunchaReportView *self)
{
  g_autoptr(GTask) task = NULL;
  ViewData *data;

  g_return_if_fail (XUNCHA_IS_REPORT_VIEW (self));

  if (self->worker == NULL || self->uuid == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);

  data = g_new0 (ViewData, 1);
  data->uuid = g_strdup (self->uuid);
  task = g_task_new (self, self->cancellable, on_loaded, NULL);
  g_task_set_source_tag (task, xuncha_report_view_reload);
  g_task_set_task_data (task, data, (GDestroyNotify)view_data_free);
  xuncha_store_worker_run (self->worker, task, load_job);
}

const char *
xuncha_report_view_get_uuid (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);
  return self->uuid;
}

gboolean
xuncha_report_view_is_busy (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), FALSE);
  return self->cancellable != NULL;
}

const char *
xuncha_report_view_get_state (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);
  return self->state;
}

static void
append_label (GString  *text,
              GtkLabel *label)
{
  if (gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (label) != '\0')
    g_string_append_printf (text, "%s\n", gtk_label_get_text (label));
}

char *
xuncha_report_view_get_text (XunchaReportView *self)
{
  GString *text;

  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);

  text = g_string_new (NULL);
  g_string_append_printf (text, "%s\n", adw_window_title_get_title (self->title));
  append_label (text, self->state_label);
  append_label (text, self->case_label);
  append_label (text, self->receipt_label);
  append_label (text, self->reason_label);
  append_label (text, self->lock_label);
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      g_string_append_printf (text, "%s: %s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
    }
  return g_string_free (text, FALSE);
}

guint
xuncha_report_view_get_n_photos (XunchaReportView *self)
{
  guint n = 0;

  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->photos)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

GtkWidget *
xuncha_report_view_get_edit_button (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);
  return self->edit_button;
}

GtkWidget *
xuncha_report_view_get_back_button (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);
  return self->back_button;
}

GtkWidget *
xuncha_report_view_get_reinspect_button (XunchaReportView *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_VIEW (self), NULL);
  return self->reinspect_button;
}
