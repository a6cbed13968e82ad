/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-enroll-scan-window.h"
#include "xuncha-gst-camera.h"
#include "xuncha-preferences-page-private.h"

enum {
  PROP_0,
  PROP_STORE,
  PROP_STORE_WORKER,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ENROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaPreferencesPage
{
  GtkWidget      parent_instance;

  GSettings     *settings;
  XunchaStore   *store;
  XunchaStoreWorker *worker;
  GCancellable  *enroll_cancellable;
  gboolean       enrolled;
  AdwActionRow  *enrolled_row;
  GtkImage      *enrolled_icon;
  GtkWidget     *reenroll_button;
  AdwEntryRow   *officer_row;
  AdwEntryRow   *code_row;
  GtkWidget     *enroll_box;
  GtkLabel      *enroll_error;
  GtkLabel      *enroll_detail;
  GtkWidget     *enroll_button;
  GtkSpinner    *enroll_spinner;
  GtkWidget     *scan_button;
  XunchaEnrollScanWindow *scan_window;  /* weak: open while scanning */
  char          *scanned_server;        /* the server of the last card scanned, */
  char          *scanned_pins;          /* and its pins, used while the address is that */
  AdwEntryRow   *server_row;
  GtkWidget     *server_error_box;
  GtkLabel      *server_error;
  GtkLabel      *server_detail;
  AdwActionRow  *ca_row;
  GtkSpinButton *accuracy_spin;
  AdwComboRow   *photo_size_row;
  GtkSwitch     *auto_sync_switch;
  AdwActionRow  *basemap_row;
};

G_DEFINE_FINAL_TYPE (XunchaPreferencesPage, xuncha_preferences_page, GTK_TYPE_WIDGET)

/* The photo-size choices in the combo row, in pixels of the longest edge; 0 keeps the
 * photo as taken. */
static const int photo_sizes[] = { 0, 3000, 2000, 1600 };

static gboolean
photo_size_to_selected (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  int edge = g_variant_get_int32 (variant);

  for (guint i = 0; i < G_N_ELEMENTS (photo_sizes); i++)
    if (photo_sizes[i] == edge)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_photo_size (const GValue       *value,
                        const GVariantType *expected_type,
                        gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_int32 (selected < G_N_ELEMENTS (photo_sizes) ? photo_sizes[selected] : 0);
}

static gboolean
path_to_subtitle (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_set_string (value, *path != '\0' ? path : _(user_data));
  return TRUE;
}

typedef struct
{
  XunchaPreferencesPage *self;
  const char            *key;
} ChooseData;

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  g_autofree ChooseData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && data->self->settings != NULL)
        g_settings_set_string (data->self->settings, data->key, path);
    }
  g_object_unref (data->self);
  g_object_unref (dialog);
}

static void
choose_file (XunchaPreferencesPage *self,
             const char            *title,
             const char            *key)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  ChooseData *data;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                         _("_Cancel"));
  data = g_new0 (ChooseData, 1);
  data->self = g_object_ref (self);
  data->key = key;
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_choose_ca (XunchaPreferencesPage *self)
{
  choose_file (self, _("Office Certificate Authority"), "office-ca-file");
}

static void
on_choose_basemap (XunchaPreferencesPage *self)
{
  choose_file (self, _("Offline Basemap"), "basemap-file");
}

static void
on_clear_basemap (XunchaPreferencesPage *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "basemap-file");
}

static void
on_clear_ca (XunchaPreferencesPage *self)
{
  if (self->settings != NULL)
    g_settings_reset (self->settings, "office-ca-file");
}

/* Enrollment. ----------------------------------------------------------------------------- */

typedef struct
{
  char *server;
  char *officer;
  char *code;
  char *ca_file;
  char *pins;
} EnrollData;

static void
enroll_data_free (EnrollData *data)
{
  g_free (data->server);
  g_free (data->officer);
  if (data->code != NULL)
    memset (data->code, 0, strlen (data->code));
  g_free (data->code);
  g_free (data->ca_file);
  g_free (data->pins);
  g_free (data);
}

/* One HTTPS round trip, a keyring write and a store transaction: not for the main
 * thread. A job of the store worker, as the enrollment is written with its connection. */
static void
enroll_job (GTask        *task,
            XunchaStore  *store,
            gpointer      task_data,
            GCancellable *cancellable)
{
  EnrollData *data = task_data;
  g_autoptr(GError) error = NULL;
  XunchaCredentialsStore used = XUNCHA_CREDENTIALS_NONE;

  if (!xuncha_sync_enroll (store, data->server, data->officer, data->code, data->ca_file,
                              data->pins, g_get_host_name (), &used, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, xuncha_enrollment_load (store),
                         (GDestroyNotify)xuncha_enrollment_free);
}

/* What went wrong, in the words of an officer standing in the office, and what to do. */
static const char *
enroll_error_text (const GError *error)
{
  if (error->domain == XUNCHA_SYNC_ERROR)
    switch ((XunchaSyncError)error->code)
      {
      case XUNCHA_SYNC_ERROR_UNAUTHORIZED:
        return _("The office did not accept this officer ID and code. Check both, or ask the "
                 "office for a new code: each code works only once.");
      case XUNCHA_SYNC_ERROR_TLS:
        switch (xuncha_sync_error_get_certificate_problem (error))
          {
          case XUNCHA_CERTIFICATE_PROBLEM_EXPIRED:
            return _("The office's certificate has expired. The office has to renew it; if "
                     "the phone's date is wrong, set it right and try again.");
          case XUNCHA_CERTIFICATE_PROBLEM_NOT_YET_VALID:
            return _("The office's certificate is not valid yet. The phone's date and time "
                     "are probably wrong: set them right and try again.");
          case XUNCHA_CERTIFICATE_PROBLEM_WRONG_HOST:
            return _("The certificate does not belong to this server. Check the server "
                     "address (above): it must be the one the office gave you.");
          case XUNCHA_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER:
            return _("The certificate was not issued by a trusted authority. Choose the "
                     "certificate authority file the office gave you (above) and try again.");
          case XUNCHA_CERTIFICATE_PROBLEM_NONE:
          case XUNCHA_CERTIFICATE_PROBLEM_OTHER:
          default:
            return _("The office's certificate was not accepted. Choose the certificate "
                     "authority file the office gave you (above), check the phone's date and "
                     "time, and try again.");
          }
      case XUNCHA_SYNC_ERROR_PIN:
        return _("The office's key does not match the one this device expects. Ask the "
                 "office.");
      case XUNCHA_SYNC_ERROR_NETWORK:
        return _("The office could not be reached. Check that the phone is on the office "
                 "network and that the server address is right.");
      case XUNCHA_SYNC_ERROR_CAPTIVE:
        return _("Something other than a Xuncha office answered at this address (a Wi-Fi "
                 "login page?). Log in to the network, or check the server address.");
      case XUNCHA_SYNC_ERROR_PROTOCOL:
        return _("The office answered, but not as a Xuncha office does. Check the server "
                 "address; the office may run another version.");
      case XUNCHA_SYNC_ERROR_NOT_ENROLLED:
      case XUNCHA_SYNC_ERROR_FORBIDDEN:
      case XUNCHA_SYNC_ERROR_CANCELLED:
      case XUNCHA_SYNC_ERROR_CONFIG:
      case XUNCHA_SYNC_ERROR_FAILED:
      default:
        break;
      }
  if (g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG))
    return _("The server address or the certificate authority file cannot be used. The "
             "address starts with https://, and the file must be readable.");
  if (error->domain == XUNCHA_STORE_ERROR)
    return _("The device data could not be written. Free some space and try again.");
  return _("The enrollment failed. Try again; if it keeps failing, ask the office.");
}

/* Whether an enrollment failed because of the server address or the office's certificate:
 * then the officer has to look at those fields, not at the ID and code. */
static gboolean
error_concerns_server (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == XUNCHA_SYNC_ERROR)
    switch ((XunchaSyncError)error->code)
      {
      case XUNCHA_SYNC_ERROR_TLS:
      case XUNCHA_SYNC_ERROR_PIN:
      case XUNCHA_SYNC_ERROR_NETWORK:
      case XUNCHA_SYNC_ERROR_CAPTIVE:
      case XUNCHA_SYNC_ERROR_PROTOCOL:
      case XUNCHA_SYNC_ERROR_CONFIG:
        return TRUE;
      case XUNCHA_SYNC_ERROR_UNAUTHORIZED:
      case XUNCHA_SYNC_ERROR_NOT_ENROLLED:
      case XUNCHA_SYNC_ERROR_FORBIDDEN:
      case XUNCHA_SYNC_ERROR_CANCELLED:
      case XUNCHA_SYNC_ERROR_FAILED:
      default:
        return FALSE;
      }
  return g_error_matches (error, XUNCHA_HTTP_ERROR, XUNCHA_HTTP_ERROR_CONFIG);
}

/* Scrolls the page so that @target is on screen, with a little room above it. */
static void
scroll_to (GtkWidget *target)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *adjustment;
  double x, y, value, page;
  int height;

  if (scroller == NULL)
    return;
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  if (content == NULL || !gtk_widget_translate_coordinates (target, content, 0, 0, &x, &y))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  /* A viewport's child is placed at minus the scrolled value. */
  if (GTK_IS_VIEWPORT (content))
    {
      GtkWidget *inner = gtk_viewport_get_child (GTK_VIEWPORT (content));

      if (inner == NULL || !gtk_widget_translate_coordinates (target, inner, 0, 0, &x, &y))
        return;
    }
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  height = gtk_widget_get_height (target);
  if (y - 12 < value)
    gtk_adjustment_set_value (adjustment, MAX (y - 12, 0));
  else if (y + height + 12 > value + page)
    gtk_adjustment_set_value (adjustment, y + height + 12 - page);
}

/* Shows why the enrollment failed next to what it concerns: the server address and
 * certificate (@near_server), or the officer ID and code, and scrolls there. */
static void
show_enroll_error (XunchaPreferencesPage *self,
                   const char            *text,
                   const char            *detail,
                   gboolean               near_server)
{
  GtkLabel *error = near_server ? self->server_error : self->enroll_error;
  GtkLabel *details = near_server ? self->server_detail : self->enroll_detail;

  gtk_widget_set_visible (self->server_error_box, text != NULL && near_server);
  gtk_widget_set_visible (GTK_WIDGET (self->enroll_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->enroll_detail), FALSE);
  if (text == NULL)
    return;
  gtk_label_set_text (error, text);
  gtk_widget_set_visible (GTK_WIDGET (error), TRUE);
  gtk_label_set_text (details, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (details), detail != NULL);
  /* The server field sits at the top of the page, and the error under the ID and code just
   * above the Enroll button: either is brought into view. */
  scroll_to (near_server ? GTK_WIDGET (self->server_row) : self->enroll_button);
}

static void
show_enrollment (XunchaPreferencesPage *self,
                 XunchaEnrollment      *enrollment,
                 gboolean               editing)
{
  self->enrolled = enrollment != NULL;
  if (enrollment != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Enrolled as %s"),
                                                enrollment->officer_name != NULL
                                                ? enrollment->officer_name
                                                : enrollment->officer);
      g_autofree char *who = enrollment->team != NULL
                             ? g_strdup_printf (_("Officer ID %s, team %s"), enrollment->officer,
                                                enrollment->team)
                             : g_strdup_printf (_("Officer ID %s"), enrollment->officer);
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", who, enrollment->server);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->enrolled_row), title);
      adw_action_row_set_subtitle (self->enrolled_row, subtitle);
      gtk_image_set_from_icon_name (self->enrolled_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->enrolled_icon), "success");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->enrolled_row),
                                     _("Not enrolled"));
      adw_action_row_set_subtitle (self->enrolled_row,
                                   _("Reports stay on this device until it is enrolled and "
                                     "synced."));
      gtk_image_set_from_icon_name (self->enrolled_icon, "dialog-password-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->enrolled_icon), "success");
    }
  editing = editing || enrollment == NULL;
  gtk_widget_set_visible (self->reenroll_button, !editing);
  gtk_widget_set_visible (GTK_WIDGET (self->officer_row), editing);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), editing);
  gtk_widget_set_visible (self->enroll_box, editing);
}

static void
on_enrolled (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  XunchaPreferencesPage *self = XUNCHA_PREFERENCES_PAGE (source);
  g_autoptr(XunchaEnrollment) enrollment = NULL;
  g_autoptr(GError) error = NULL;

  enrollment = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->enroll_cancellable);
  gtk_spinner_stop (self->enroll_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->enroll_spinner), FALSE);
  gtk_widget_set_sensitive (self->enroll_button, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->officer_row), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), TRUE);

  if (enrollment == NULL)
    {
      show_enroll_error (self, enroll_error_text (error), error != NULL ? error->message : NULL,
                         error_concerns_server (error));
      return;
    }
  /* A code works once: it has no use on the screen any more. */
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  show_enroll_error (self, NULL, NULL, FALSE);
  show_enrollment (self, enrollment, FALSE);
  g_signal_emit (self, signals[ENROLLED], 0);
}

static void
on_enroll_clicked (XunchaPreferencesPage *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server = NULL, *ca_file = NULL, *officer = NULL, *code = NULL;
  EnrollData *data;

  if (self->store == NULL || self->settings == NULL || self->enroll_cancellable != NULL)
    return;

  server = g_strstrip (g_settings_get_string (self->settings, "server-url"));
  ca_file = g_settings_get_string (self->settings, "office-ca-file");
  officer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->officer_row))));
  code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));
  if (*server == '\0')
    {
      show_enroll_error (self, _("Enter the server address the office gave you, starting "
                                 "with https://."), NULL, TRUE);
      return;
    }
  if (*officer == '\0')
    {
      show_enroll_error (self, _("Enter your officer ID."), NULL, FALSE);
      return;
    }
  if (*code == '\0')
    {
      show_enroll_error (self, _("Enter the one-time code from the office."), NULL, FALSE);
      return;
    }

  show_enroll_error (self, NULL, NULL, FALSE);
  gtk_widget_set_sensitive (self->enroll_button, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->officer_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->enroll_spinner), TRUE);
  gtk_spinner_start (self->enroll_spinner);

  data = g_new0 (EnrollData, 1);
  data->server = g_steal_pointer (&server);
  data->officer = g_steal_pointer (&officer);
  data->code = g_steal_pointer (&code);
  data->ca_file = *ca_file != '\0' ? g_steal_pointer (&ca_file) : NULL;
  /* The card's pins hold while the address is the card's: one typed over is another
   * office's, which the pins would refuse. */
  if (self->scanned_pins != NULL && g_strcmp0 (data->server, self->scanned_server) == 0)
    data->pins = g_strdup (self->scanned_pins);

  self->enroll_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->enroll_cancellable, on_enrolled, NULL);
  g_task_set_source_tag (task, on_enroll_clicked);
  g_task_set_task_data (task, data, (GDestroyNotify)enroll_data_free);
  xuncha_store_worker_run (self->worker, task, enroll_job);
}

static void
on_link_scanned (XunchaEnrollScanWindow *window,
                 XunchaEnrollLink       *link,
                 XunchaPreferencesPage  *self)
{
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "server-url", link->server);
  gtk_editable_set_text (GTK_EDITABLE (self->officer_row), link->officer);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), link->code);
  g_free (self->scanned_server);
  self->scanned_server = g_strdup (link->server);
  g_free (self->scanned_pins);
  self->scanned_pins = xuncha_enroll_link_dup_pins (link);
  show_enroll_error (self, NULL, NULL, FALSE);
  /* Filled, not sent: the officer sees what the card says and taps Enroll. */
  gtk_widget_grab_focus (self->enroll_button);
  scroll_to (self->enroll_button);
}

static void
on_scan_clicked (XunchaPreferencesPage *self)
{
  g_autoptr(XunchaGstCamera) camera = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->scan_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->scan_window));
      return;
    }
  camera = xuncha_gst_camera_new (xuncha_camera_source_from_env ());
  self->scan_window = xuncha_enroll_scan_window_new (XUNCHA_CAMERA (camera));
  g_object_add_weak_pointer (G_OBJECT (self->scan_window), (gpointer *)&self->scan_window);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self->scan_window), GTK_WINDOW (root));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self->scan_window), TRUE);
  g_signal_connect_object (self->scan_window, "link-scanned", G_CALLBACK (on_link_scanned),
                           self, 0);
  gtk_window_present (GTK_WINDOW (self->scan_window));
}

static void
on_reenroll_clicked (XunchaPreferencesPage *self)
{
  show_enrollment (self, NULL, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->officer_row));
}

static void
xuncha_preferences_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  XunchaPreferencesPage *self = XUNCHA_PREFERENCES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STORE_WORKER:
      g_value_set_object (value, self->worker);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_preferences_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  XunchaPreferencesPage *self = XUNCHA_PREFERENCES_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      xuncha_preferences_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_STORE_WORKER:
      xuncha_preferences_page_set_store_worker (self, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      xuncha_preferences_page_set_settings (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_preferences_page_dispose (GObject *object)
{
  XunchaPreferencesPage *self = (XunchaPreferencesPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_PREFERENCES_PAGE);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->scan_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->scan_window),
                                    (gpointer *)&self->scan_window);
      gtk_window_destroy (GTK_WINDOW (self->scan_window));
      self->scan_window = NULL;
    }
  g_clear_pointer (&self->scanned_server, g_free);
  g_clear_pointer (&self->scanned_pins, g_free);
  if (self->enroll_cancellable != NULL)
    g_cancellable_cancel (self->enroll_cancellable);
  g_clear_object (&self->enroll_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->worker);

  G_OBJECT_CLASS (xuncha_preferences_page_parent_class)->dispose (object);
}

static void
xuncha_preferences_page_class_init (XunchaPreferencesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_preferences_page_get_property;
  object_class->set_property = xuncha_preferences_page_set_property;
  object_class->dispose = xuncha_preferences_page_dispose;

  /* Bound by the window to the application's. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, XUNCHA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XunchaPreferencesPage::enrolled:
   * The device was enrolled with an office.
   */
  signals[ENROLLED] = g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-preferences-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, server_error_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, server_error);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, server_detail);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, ca_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, accuracy_spin);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, photo_size_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, auto_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, basemap_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enrolled_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enrolled_icon);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, reenroll_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, officer_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enroll_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enroll_error);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enroll_detail);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enroll_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, enroll_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_enroll_clicked);
  gtk_widget_class_bind_template_child (widget_class, XunchaPreferencesPage, scan_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reenroll_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_ca);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_ca);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_basemap);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_basemap);
}

static void
xuncha_preferences_page_init (XunchaPreferencesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
xuncha_preferences_page_set_settings (XunchaPreferencesPage *self,
                                      GSettings             *settings)
{
  g_return_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (!g_set_object (&self->settings, settings))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);

  g_settings_bind (settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "accuracy-threshold", self->accuracy_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "auto-sync", self->auto_sync_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "photo-max-edge", self->photo_size_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, photo_size_to_selected,
                                selected_to_photo_size, NULL, NULL);
  g_settings_bind_with_mapping (settings, "office-ca-file", self->ca_row, "subtitle",
                                G_SETTINGS_BIND_GET, path_to_subtitle, NULL,
                                (gpointer)N_("The system certificate authorities only"), NULL);
  g_settings_bind_with_mapping (settings, "basemap-file", self->basemap_row, "subtitle",
                                G_SETTINGS_BIND_GET, path_to_subtitle, NULL,
                                (gpointer)N_("None: the street layer alone"), NULL);
}

/* The store and its worker come one after the other (two bindings): the page shows the
 * enrollment, and can enroll, once it has both. */
static void
store_changed (XunchaPreferencesPage *self)
{
  g_autoptr(XunchaEnrollment) enrollment = NULL;
  gboolean usable = self->store != NULL && self->worker != NULL;

  if (usable)
    enrollment = xuncha_enrollment_load (self->store);
  show_enrollment (self, enrollment, FALSE);
  gtk_widget_set_sensitive (self->enroll_button, usable);
}

void
xuncha_preferences_page_set_store (XunchaPreferencesPage *self,
                                   XunchaStore           *store)
{
  g_return_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (store == NULL || XUNCHA_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  store_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
xuncha_preferences_page_set_store_worker (XunchaPreferencesPage *self,
                                          XunchaStoreWorker     *worker)
{
  g_return_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self));
  g_return_if_fail (worker == NULL || XUNCHA_IS_STORE_WORKER (worker));

  if (!g_set_object (&self->worker, worker))
    return;
  store_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
}

gboolean
xuncha_preferences_page_is_enrolling (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), FALSE);
  return self->enroll_cancellable != NULL;
}

gboolean
xuncha_preferences_page_get_enrolled (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), FALSE);
  return self->enrolled;
}

const char *
xuncha_preferences_page_get_enroll_error (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), NULL);

  if (gtk_widget_get_visible (self->server_error_box))
    return gtk_label_get_text (self->server_error);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->enroll_error)))
    return NULL;
  return gtk_label_get_text (self->enroll_error);
}

gboolean
xuncha_preferences_page_get_error_near_server (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->server_error_box);
}

GtkWidget *
xuncha_preferences_page_get_scan_button (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), NULL);
  return self->scan_button;
}

GtkWindow *
xuncha_preferences_page_get_scan_window (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), NULL);
  return self->scan_window != NULL ? GTK_WINDOW (self->scan_window) : NULL;
}

GtkWidget *
xuncha_preferences_page_get_server_row (XunchaPreferencesPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_PREFERENCES_PAGE (self), NULL);
  return GTK_WIDGET (self->server_row);
}
