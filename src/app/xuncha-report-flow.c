/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "xuncha-photo-store.h"

#include "xuncha-gst-camera.h"
#include "xuncha-report-flow-private.h"
#include "xuncha-scoped-toasts.h"
#include "xuncha-thumbnail.h"

struct _XunchaReportFlow
{
  GtkWidget             parent_instance;

  XunchaStore          *store;
  XunchaStoreWorker    *worker;
  XunchaStreetMap      *street_map;
  XunchaPatrolSession  *session;
  GSettings            *settings;
  XunchaTaxonomy       *taxonomy;
  gboolean              holding_location;
  XunchaPhotoRole       next_role;
  gboolean              has_capture;
  gboolean              details_wanted; /* the officer asked for the form before saving */
  GCancellable         *cancellable;
  GCancellable         *original_preview;  /* the original photo being decoded */
  GCancellable         *capture_preview;   /* the photo just taken, being decoded */

  AdwWindowTitle       *title;
  GtkButton            *back_button;
  GtkWidget            *details_button;
  GtkStack             *steps;
  AdwToastOverlay      *toasts;
  /* The toasts raised on the step shown: a toast belongs to its step and is dismissed when
   * another step is shown or the flow starts again. */
  XunchaScopedToasts   *step_toasts;
  XunchaCategoryPicker *picker;
  GtkWidget            *capture_strip;
  GtkPicture           *capture_picture;
  XunchaReportForm     *form;
  XunchaPlacePicker    *place_picker;
  XunchaCameraView     *camera_view;
  GtkWidget            *reinspect_banner;
  GtkPicture           *original_picture;
  GtkLabel             *reinspect_label;
  XunchaReport         *original;
  AdwMessageDialog     *discard_dialog;  /* asking before photos are thrown away, or NULL */
};

G_DEFINE_FINAL_TYPE (XunchaReportFlow, xuncha_report_flow, GTK_TYPE_WIDGET)

enum {
  CLOSED,
  SAVED,
  EDITED,
  SAVE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define MAX_RECENT_CATEGORIES 8

typedef struct
{
  XunchaReport *report;
  char         *edit_uuid;   /* an edit of this saved report, or NULL: a new one */
  int           max_edge;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_free (job->edit_uuid);
  g_clear_object (&job->report);
  g_free (job);
}

static void
show_step (XunchaReportFlow *self,
           const char       *step)
{
  const char *title = NULL;

  /* The step that raised them is no longer shown: its toasts would sit over the next step's
   * controls (the form's reason above the camera's shutter). The flow starting again shows
   * its first step again: the last run's toasts go too. */
  xuncha_scoped_toasts_dismiss_all (self->step_toasts);
  gtk_stack_set_visible_child_name (self->steps, step);
  /* A toast rises above the step's own bottom controls (the shutter, Save, the pin's
   * confirmation): style.css gives each step its room. */
  {
    static const char * const steps[] = { "photo", "category", "place", "form" };

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        g_autofree char *name = g_strconcat ("toasts-", steps[i], NULL);

        if (g_str_equal (step, steps[i]))
          gtk_widget_add_css_class (GTK_WIDGET (self->toasts), name);
        else
          gtk_widget_remove_css_class (GTK_WIDGET (self->toasts), name);
      }
  }
  /* The way to the full form before saving, where tapping a category would save. */
  gtk_widget_set_visible (self->details_button,
                          g_str_equal (step, "category") && !self->details_wanted
                          && xuncha_report_form_get_editing (self->form) == NULL);
  if (g_str_equal (step, "photo"))
    title = self->next_role == XUNCHA_PHOTO_ROLE_AFTER ? _("After Photo") : _("Photo");
  else if (g_str_equal (step, "category"))
    title = _("Category");
  else if (g_str_equal (step, "place"))
    title = _("Place the Report");
  else if (xuncha_report_form_get_editing (self->form) != NULL)
    title = _("Edit Report");
  else
    title = _("Report");
  adw_window_title_set_title (self->title, title);
}

static void
toast (XunchaReportFlow *self,
       const char       *text)
{
  AdwToast *toast = adw_toast_new (text);
  GtkWidget *title = gtk_label_new (text);

  /* A reason is read whole: it wraps instead of being cut off. */
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 26);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  adw_toast_set_custom_title (toast, title);
  xuncha_scoped_toasts_add (self->step_toasts, toast);
}

static double
accuracy_threshold (XunchaReportFlow *self)
{
  return self->settings != NULL ? g_settings_get_double (self->settings, "accuracy-threshold")
                                : 30.0;
}

/* A fix good enough places the report; a poor or missing one leaves it to the officer. */
static gboolean
take_fix (XunchaReportFlow *self,
          const XunchaFix  *fix)
{
  if (isnan (fix->accuracy) || fix->accuracy > accuracy_threshold (self))
    return FALSE;
  xuncha_report_form_set_position (self->form, fix->lat, fix->lon, fix->accuracy,
                                   XUNCHA_POSITION_SOURCE_GPS);
  return TRUE;
}

/* Where the original report was, from here: distance and compass direction. */
static void
update_reinspect_label (XunchaReportFlow *self,
                        const XunchaFix  *fix)
{
  static const char * const directions[] = {
    N_("north"), N_("north-east"), N_("east"), N_("south-east"),
    N_("south"), N_("south-west"), N_("west"), N_("north-west"),
  };
  g_autofree char *text = NULL;
  double lat, lon, distance;

  if (self->original == NULL)
    return;
  if (!xuncha_report_has_position (self->original))
    {
      gtk_label_set_text (self->reinspect_label, _("Re-inspection: the original report has no position."));
      return;
    }
  lat = xuncha_report_get_lat (self->original);
  lon = xuncha_report_get_lon (self->original);
  if (fix == NULL)
    {
      gtk_label_set_text (self->reinspect_label,
                          _("Re-inspection: take the photo from where the original was taken."));
      return;
    }
  distance = xuncha_distance_m (fix->lat, fix->lon, lat, lon);
  if (distance < 5)
    text = g_strdup (_("Re-inspection: you are at the original spot."));
  else
    text = g_strdup_printf (_("Re-inspection: the original spot is %.0f m to the %s."), distance,
                            _(directions[xuncha_bearing_octant (xuncha_bearing_deg (fix->lat, fix->lon,
                                                                                   lat, lon))]));
  gtk_label_set_text (self->reinspect_label, text);
}

static void
load_original (XunchaReportFlow *self,
               const char       *parent_uuid)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  XunchaFix fix;

  g_clear_object (&self->original);
  gtk_widget_set_visible (self->reinspect_banner, parent_uuid != NULL);
  g_cancellable_cancel (self->original_preview);
  g_set_object (&self->original_preview, NULL);
  gtk_picture_set_paintable (self->original_picture, NULL);
  if (parent_uuid == NULL || self->store == NULL)
    return;

  reports = xuncha_report_store_new (self->store, NULL);
  if (reports != NULL)
    self->original = xuncha_report_store_get (reports, parent_uuid, NULL);
  if (self->original == NULL)
    {
      gtk_label_set_text (self->reinspect_label, _("Re-inspection: the original report is not on this device."));
      return;
    }
  /* The original photo, to frame the after-photo the same way. */
  if (xuncha_report_get_n_photos (self->original) > 0
      && xuncha_report_get_photo_sha256 (self->original, 0) != NULL)
    {
      /* Shown 96 by 72 points, decoded for screens of two pixels a point. */
      self->original_preview = g_cancellable_new ();
      xuncha_thumbnail_load_stored (self->original_picture,
                                    xuncha_report_store_get_photo_store (reports),
                                    xuncha_report_get_photo_sha256 (self->original, 0), 192,
                                    self->original_preview);
    }
  update_reinspect_label (self, self->session != NULL
                                && xuncha_patrol_session_get_last_fix (self->session, &fix)
                                ? &fix : NULL);
}

static void
on_fix (XunchaPatrolSession *session,
        const XunchaFix     *fix,
        XunchaReportFlow    *self)
{
  double lat, lon;

  update_reinspect_label (self, fix);

  /* Follow the officer until the report has a position of its own. */
  if (!xuncha_report_form_get_position (self->form, &lat, &lon))
    take_fix (self, fix);
}

static void
release_location (XunchaReportFlow *self)
{
  if (self->holding_location && self->session != NULL)
    xuncha_patrol_session_release_location (self->session);
  self->holding_location = FALSE;
}

static void
remember_category (XunchaReportFlow *self,
                   const char       *code)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint kept = 1;

  if (self->settings == NULL)
    return;
  recent = g_settings_get_strv (self->settings, "recent-categories");
  g_strv_builder_add (builder, code);
  for (guint i = 0; recent[i] != NULL && kept < MAX_RECENT_CATEGORIES; i++)
    if (!g_str_equal (recent[i], code))
      {
        g_strv_builder_add (builder, recent[i]);
        kept++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-categories", (const char * const *)updated);
}

/* The photo just taken, small above the categories: the officer sees the shot is kept. */
static void
show_capture (XunchaReportFlow *self,
              GBytes           *jpeg,
              GFile            *file)
{
  g_cancellable_cancel (self->capture_preview);
  g_clear_object (&self->capture_preview);
  gtk_picture_set_paintable (self->capture_picture, NULL);
  gtk_widget_set_visible (self->capture_strip, jpeg != NULL || file != NULL);
  if (jpeg == NULL && file == NULL)
    return;
  /* Shown 56 by 42 points, decoded for screens of two pixels a point. */
  self->capture_preview = g_cancellable_new ();
  if (jpeg != NULL)
    xuncha_thumbnail_load_bytes (self->capture_picture, jpeg, 112, self->capture_preview);
  else
    xuncha_thumbnail_load_file (self->capture_picture, file, 112, self->capture_preview);
}

static void
after_photo (XunchaReportFlow *self)
{
  self->next_role = XUNCHA_PHOTO_ROLE_BEFORE;
  show_step (self, xuncha_report_form_get_category (self->form) == NULL ? "category" : "form");
}

static void
on_place_on_map (XunchaReportFlow *self)
{
  XunchaFix fix;
  double lat, lon;

  if (xuncha_report_form_get_position (self->form, &lat, &lon))
    xuncha_place_picker_center_on (self->place_picker, lat, lon);
  else if (self->session != NULL && xuncha_patrol_session_get_last_fix (self->session, &fix))
    xuncha_place_picker_center_on (self->place_picker, fix.lat, fix.lon);
  show_step (self, "place");
}

static gboolean
has_required_field (XunchaCategory *category)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *fields;

  if (!json_parser_load_from_data (parser, xuncha_category_get_fields_json (category), -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return FALSE;
  fields = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && json_object_get_boolean_member_with_default (json_node_get_object (node),
                                                          "required", FALSE))
        return TRUE;
    }
  return FALSE;
}

/* The third tap saves when nothing is missing: a photo from the camera, a position from a
 * good fix, a category that asks for no field. Re-inspections, photos from files, edits
 * and an officer who asked for the details go to the form. */
static gboolean
can_save_at_once (XunchaReportFlow *self,
                  XunchaCategory   *category)
{
  double lat, lon;

  return !self->details_wanted && self->has_capture && self->original == NULL
         && xuncha_report_form_get_editing (self->form) == NULL
         && xuncha_report_form_get_n_photos (self->form) > 0
         && xuncha_report_form_get_position (self->form, &lat, &lon)
         && !has_required_field (category);
}

static void
on_category_chosen (XunchaCategoryPicker *picker,
                    XunchaCategory       *category,
                    XunchaReportFlow     *self)
{
  double lat, lon;

  xuncha_report_form_set_category (self->form, category);
  remember_category (self, xuncha_category_get_code (category));
  if (can_save_at_once (self, category) && xuncha_report_flow_save (self))
    return;
  /* A capture carries no position of its own: with no usable fix, the officer places
   * the report before the details. Photos from files may still carry GPS. */
  if (self->has_capture && !xuncha_report_form_get_position (self->form, &lat, &lon))
    on_place_on_map (self);
  else
    {
      show_step (self, "form");
      xuncha_report_form_focus_missing (self->form);
    }
}

static void
on_change_category (XunchaReportFlow *self)
{
  /* Coming from the form: the choice goes back to it. */
  self->details_wanted = TRUE;
  show_step (self, "category");
}

static void
on_details_clicked (XunchaReportFlow *self)
{
  self->details_wanted = TRUE;
  show_step (self, "form");
}

static void
on_placed (XunchaPlacePicker *picker,
           double             lat,
           double             lon,
           XunchaReportFlow  *self)
{
  xuncha_report_form_set_position (self->form, lat, lon, NAN, XUNCHA_POSITION_SOURCE_MANUAL);
  show_step (self, "form");
}

static void
on_add_after_photo (XunchaReportFlow *self)
{
  self->next_role = XUNCHA_PHOTO_ROLE_AFTER;
  show_step (self, "photo");
}

static void
on_form_save (XunchaReportFlow *self)
{
  xuncha_report_flow_save (self);
}

static void
on_discard_answered (AdwMessageDialog *dialog,
                     const char       *response,
                     XunchaReportFlow *self)
{
  if (!g_str_equal (response, "discard"))
    return;
  /* Leaving before saving: nothing was stored, and the officer said so. */
  release_location (self);
  g_signal_emit (self, signals[CLOSED], 0);
}

/* Leaving would throw away the photos taken: asked first, keeping them by default. */
static void
ask_discard (XunchaReportFlow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  guint n = xuncha_report_form_get_n_photos (self->form);
  g_autofree char *body = g_strdup_printf (ngettext ("The photo you took and what you entered "
                                                     "are not saved.",
                                                     "The %u photos you took and what you "
                                                     "entered are not saved.", n), n);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       _("Discard This Report?"), body));
  adw_message_dialog_add_responses (dialog, "keep", _("Keep Editing"), "discard", _("Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_answered), self, 0);
  if (self->discard_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->discard_dialog));
  self->discard_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->discard_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_back_clicked (XunchaReportFlow *self)
{
  const char *step = gtk_stack_get_visible_child_name (self->steps);

  if (g_str_equal (step, "place") || (g_str_equal (step, "category")
                                      && xuncha_report_form_get_category (self->form) != NULL)
      || (g_str_equal (step, "photo") && xuncha_report_form_get_n_photos (self->form) > 0)
      || (!g_str_equal (step, "form") && xuncha_report_form_get_editing (self->form) != NULL))
    {
      show_step (self, "form");
      return;
    }
  if (xuncha_report_form_get_n_photos (self->form) > 0
      && xuncha_report_form_get_editing (self->form) == NULL)
    {
      ask_discard (self);
      return;
    }
  /* Leaving before saving: nothing was stored, and the officer said so. */
  release_location (self);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
on_photo_taken (XunchaCameraView *view,
                GBytes           *jpeg,
                XunchaReportFlow *self)
{
  xuncha_report_flow_add_photo_bytes (self, jpeg);
}

static void
on_files_chosen (XunchaCameraView *view,
                 GListModel       *files,
                 XunchaReportFlow *self)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (chosen, g_list_model_get_item (files, i));
  if (chosen->len > 0)
    xuncha_report_flow_add_photo_files (self, chosen);
}

static void
save_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  SaveJob *job = task_data;
  g_autoptr(XunchaReportStore) reports = NULL;
  GError *error = NULL;

  reports = xuncha_report_store_new (store, &error);
  if (reports != NULL)
    {
      xuncha_report_store_set_max_edge (reports, job->max_edge);
      if (job->edit_uuid != NULL
          ? xuncha_report_store_update (reports, job->edit_uuid, job->report, cancellable,
                                        &error)
          : xuncha_report_store_save (reports, job->report, cancellable, &error))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
    }
  g_task_return_error (task, error);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XunchaReportFlow) self = user_data;
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_signal_emit (self, signals[job->edit_uuid != NULL ? EDITED : SAVED], 0, job->report);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SAVE_FAILED], 0, error);
}

static void
xuncha_report_flow_dispose (GObject *object)
{
  XunchaReportFlow *self = (XunchaReportFlow *)object;
  GtkWidget *child;

  release_location (self);
  g_clear_pointer (&self->step_toasts, xuncha_scoped_toasts_free);
  if (self->discard_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->discard_dialog),
                                  (gpointer *)&self->discard_dialog);
  self->discard_dialog = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_REPORT_FLOW);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);
  g_clear_object (&self->street_map);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->taxonomy);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->original_preview);
  g_clear_object (&self->original_preview);
  g_cancellable_cancel (self->capture_preview);
  g_clear_object (&self->capture_preview);
  g_clear_object (&self->original);

  G_OBJECT_CLASS (xuncha_report_flow_parent_class)->dispose (object);
}

static void
xuncha_report_flow_class_init (XunchaReportFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_report_flow_dispose;

  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, XUNCHA_TYPE_REPORT);
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, XUNCHA_TYPE_REPORT);
  signals[SAVE_FAILED] = g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       G_TYPE_ERROR);

  g_type_ensure (XUNCHA_TYPE_CATEGORY_PICKER);
  g_type_ensure (XUNCHA_TYPE_REPORT_FORM);
  g_type_ensure (XUNCHA_TYPE_PLACE_PICKER);
  g_type_ensure (XUNCHA_TYPE_CAMERA_VIEW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-report-flow.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, title);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, back_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, details_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, steps);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, toasts);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, picker);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, capture_strip);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, capture_picture);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, form);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, place_picker);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, camera_view);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, reinspect_banner);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, original_picture);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportFlow, reinspect_label);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_taken);
  gtk_widget_class_bind_template_callback (widget_class, on_files_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_category_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_change_category);
  gtk_widget_class_bind_template_callback (widget_class, on_place_on_map);
  gtk_widget_class_bind_template_callback (widget_class, on_placed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_after_photo);
  gtk_widget_class_bind_template_callback (widget_class, on_form_save);
  gtk_widget_class_bind_template_callback (widget_class, on_details_clicked);
}

static void
xuncha_report_flow_init (XunchaReportFlow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->step_toasts = xuncha_scoped_toasts_new (self->toasts);
  self->cancellable = g_cancellable_new ();
}

XunchaReportFlow *
xuncha_report_flow_new (void)
{
  return g_object_new (XUNCHA_TYPE_REPORT_FLOW, NULL);
}

void
xuncha_report_flow_set_context (XunchaReportFlow    *self,
                                XunchaStore         *store,
                                XunchaStoreWorker   *worker,
                                XunchaStreetMap     *map,
                                XunchaPatrolSession *session,
                                GSettings           *settings)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));
  g_return_if_fail ((store == NULL) == (worker == NULL));

  g_set_object (&self->store, store);
  g_set_object (&self->worker, worker);
  g_set_object (&self->street_map, map);
  g_set_object (&self->settings, settings);
  if (self->session != session)
    {
      if (self->session != NULL)
        g_signal_handlers_disconnect_by_data (self->session, self);
      g_set_object (&self->session, session);
      if (session != NULL)
        g_signal_connect_object (session, "fix", G_CALLBACK (on_fix), self, 0);
    }
  g_clear_object (&self->taxonomy);
  if (store != NULL)
    self->taxonomy = xuncha_taxonomy_new_from_store (store, NULL);
  xuncha_report_form_set_context (self->form, store, map);
  xuncha_place_picker_set_street_map (self->place_picker, map);
}

void
xuncha_report_flow_start (XunchaReportFlow *self,
                          const char       *parent_uuid)
{
  g_auto(GStrv) recent = NULL;
  XunchaFix fix;

  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  /* The device's camera (or the portal's, or the test source XUNCHA_CAMERA=test asks
   * for), made when the first report starts: GStreamer's start-up stays out of the app's.
   * It runs only while the photo step is on screen. */
  if (xuncha_camera_view_get_camera (self->camera_view) == NULL)
    {
      g_autoptr(XunchaGstCamera) camera = xuncha_gst_camera_new (xuncha_camera_source_from_env ());
      xuncha_camera_view_set_camera (self->camera_view, XUNCHA_CAMERA (camera));
    }

  xuncha_report_form_reset (self->form);
  show_capture (self, NULL, NULL);
  xuncha_report_form_set_parent (self->form, parent_uuid);
  load_original (self, parent_uuid);
  self->next_role = XUNCHA_PHOTO_ROLE_BEFORE;
  self->has_capture = FALSE;
  self->details_wanted = FALSE;

  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-categories");
  if (self->taxonomy != NULL)
    xuncha_category_picker_set_taxonomy (self->picker, self->taxonomy,
                                         (const char * const *)recent);

  /* The GPS runs while a report is open, even outside a shift. */
  if (self->session != NULL)
    {
      if (!self->holding_location)
        xuncha_patrol_session_hold_location (self->session);
      self->holding_location = TRUE;
      if (xuncha_patrol_session_get_last_fix (self->session, &fix)
          && xuncha_patrol_session_get_fix_age (self->session) < 60)
        take_fix (self, &fix);
    }
  show_step (self, "photo");
}

void
xuncha_report_flow_set_original_photo (XunchaReportFlow *self,
                                       const char       *path)
{
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  /* The device's own copy of the original comes first. */
  if (path == NULL || self->original_preview != NULL)
    return;
  file = g_file_new_for_path (path);
  gtk_widget_set_visible (self->reinspect_banner, TRUE);
  if (self->original == NULL)
    gtk_label_set_text (self->reinspect_label,
                        _("Re-inspection: the case's photo from the office, to frame yours "
                          "the same way."));
  /* Shown 96 by 72 points, decoded for screens of two pixels a point. */
  self->original_preview = g_cancellable_new ();
  xuncha_thumbnail_load_file (self->original_picture, file, 192, self->original_preview);
}

gboolean
xuncha_report_flow_has_original_photo (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), FALSE);
  return gtk_picture_get_paintable (self->original_picture) != NULL;
}

void
xuncha_report_flow_set_category (XunchaReportFlow *self,
                                 const char       *code)
{
  XunchaCategory *category;

  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  if (code == NULL || self->taxonomy == NULL
      || (category = xuncha_taxonomy_lookup (self->taxonomy, code)) == NULL)
    return;
  xuncha_report_form_set_category (self->form, category);
}

const char *
xuncha_report_flow_get_step (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->steps);
}

void
xuncha_report_flow_add_photo_bytes (XunchaReportFlow *self,
                                    GBytes           *jpeg)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  xuncha_report_form_add_photo_bytes (self->form, jpeg, self->next_role);
  self->has_capture = TRUE;
  show_capture (self, jpeg, NULL);
  after_photo (self);
}

void
xuncha_report_flow_add_photo_files (XunchaReportFlow *self,
                                    GPtrArray        *files)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  for (guint i = 0; i < files->len; i++)
    xuncha_report_form_add_photo_file (self->form, g_ptr_array_index (files, i),
                                       self->next_role);
  if (files->len > 0)
    show_capture (self, NULL, g_ptr_array_index (files, 0));
  after_photo (self);
}

XunchaCategoryPicker *
xuncha_report_flow_get_picker (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return self->picker;
}

XunchaReportForm *
xuncha_report_flow_get_form (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return self->form;
}

const char *
xuncha_report_flow_get_reinspect_text (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);

  if (!gtk_widget_get_visible (self->reinspect_banner))
    return NULL;
  return gtk_label_get_text (self->reinspect_label);
}

XunchaCameraView *
xuncha_report_flow_get_camera_view (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return self->camera_view;
}

XunchaPlacePicker *
xuncha_report_flow_get_place_picker (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return self->place_picker;
}

void
xuncha_report_flow_show_error (XunchaReportFlow *self,
                               const char       *message)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FLOW (self));

  if (self->session != NULL && !self->holding_location)
    {
      xuncha_patrol_session_hold_location (self->session);
      self->holding_location = TRUE;
    }
  show_step (self, "form");
  toast (self, message);
}

gboolean
xuncha_report_flow_save (XunchaReportFlow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  XunchaReport *report;
  XunchaShift *shift;
  SaveJob *job;

  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  shift = self->session != NULL ? xuncha_patrol_session_get_shift (self->session) : NULL;
  if (xuncha_report_form_get_editing (self->form) != NULL)
    report = xuncha_report_form_build_edit (self->form, &error);
  else
    report = xuncha_report_form_build (self->form, shift != NULL ? xuncha_shift_get_uuid (shift)
                                                                 : NULL, &error);
  if (report == NULL)
    {
      toast (self, error->message);
      return FALSE;
    }

  job = g_new0 (SaveJob, 1);
  job->report = report;
  job->edit_uuid = g_strdup (xuncha_report_form_get_editing (self->form));
  job->max_edge = self->settings != NULL ? g_settings_get_int (self->settings, "photo-max-edge")
                                         : 0;

  /* The flow closes at once; "saved" follows when the report is durable. */
  task = g_task_new (self, self->cancellable, on_saved, g_object_ref (self));
  g_task_set_source_tag (task, xuncha_report_flow_save);
  g_task_set_task_data (task, job, (GDestroyNotify)save_job_free);
  xuncha_store_worker_run (self->worker, task, save_job);

  release_location (self);
  g_signal_emit (self, signals[CLOSED], 0);
  return TRUE;
}

gboolean
xuncha_report_flow_edit (XunchaReportFlow  *self,
                         const char        *uuid,
                         GError           **error)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) saved = NULL;
  g_auto(GStrv) recent = NULL;

  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);

  reports = xuncha_report_store_new (self->store, error);
  if (reports == NULL)
    return FALSE;
  saved = xuncha_report_store_get (reports, uuid, error);
  if (saved == NULL)
    return FALSE;

  load_original (self, NULL);
  show_capture (self, NULL, NULL);
  self->has_capture = FALSE;
  self->next_role = XUNCHA_PHOTO_ROLE_AFTER;
  self->details_wanted = TRUE;
  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-categories");
  if (self->taxonomy != NULL)
    xuncha_category_picker_set_taxonomy (self->picker, self->taxonomy,
                                         (const char * const *)recent);
  xuncha_report_form_edit (self->form, saved,
                           self->taxonomy != NULL
                           ? xuncha_taxonomy_lookup (self->taxonomy,
                                                     xuncha_report_get_category (saved))
                           : NULL);
  /* The camera is there for an after-photo. */
  if (xuncha_camera_view_get_camera (self->camera_view) == NULL)
    {
      g_autoptr(XunchaGstCamera) camera = xuncha_gst_camera_new (xuncha_camera_source_from_env ());
      xuncha_camera_view_set_camera (self->camera_view, XUNCHA_CAMERA (camera));
    }
  show_step (self, "form");
  return TRUE;
}

char *
xuncha_report_flow_describe (XunchaReportFlow *self,
                             XunchaReport     *report)
{
  XunchaCategory *category = NULL;
  XunchaStreetSegment *segment = NULL;
  const char *what, *street;

  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  g_return_val_if_fail (XUNCHA_IS_REPORT (report), NULL);

  if (self->taxonomy != NULL)
    category = xuncha_taxonomy_lookup (self->taxonomy, xuncha_report_get_category (report));
  what = category != NULL ? xuncha_category_get_name (category)
                          : xuncha_report_get_category (report);
  street = xuncha_report_get_street_id (report);
  if (street != NULL && self->street_map != NULL)
    segment = xuncha_street_map_lookup (self->street_map, street);
  if (segment != NULL && xuncha_street_segment_get_name (segment) != NULL)
    street = xuncha_street_segment_get_name (segment);
  if (street == NULL)
    return g_strdup (what);
  /* TRANSLATORS: a report's category, then its street */
  return g_strdup_printf (C_("report summary", "%s · %s"), what, street);
}

AdwMessageDialog *
xuncha_report_flow_get_discard_dialog (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);
  return self->discard_dialog;
}

GtkWidget *
xuncha_report_flow_get_reinspect_banner (XunchaReportFlow *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FLOW (self), NULL);

  return self->reinspect_banner;
}
