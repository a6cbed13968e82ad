/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <sqlite3.h>

#include "xuncha-application.h"
#include "xuncha-map-view-private.h"
#include "xuncha-street-layer-private.h"
#include "xuncha-patrol-page-private.h"
#include "xuncha-test-util.h"
#include "xuncha-ui-test-util.h"
#include "xuncha-history-page-private.h"
#include "xuncha-window-private.h"

#define find_by_css_class xuncha_ui_test_find_by_css_class
#define find_view_stack(widget) \
  ADW_VIEW_STACK (xuncha_ui_test_find_widget (widget, ADW_TYPE_VIEW_STACK))

/* A session manager on the private session bus, as the phone's shell runs one: it keeps the
 * inhibitors it is given. It answers on a thread of its own, as GTK asks it synchronously. */
typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GMutex           lock;
  GCond            ready;
  gboolean         named;
  guint            next_cookie;
  /* What it holds, under the lock: cookie → reason; and the flags of the last one. */
  GHashTable      *held;
  guint            last_flags;
} SessionManager;

typedef struct
{
  XunchaApplication *app;
  char              *data_dir;
  gboolean           done;
  SessionManager    *session_manager;
} Fixture;

static const char session_manager_xml[] =
  "<node><interface name='org.gnome.SessionManager'>"
  "<method name='Inhibit'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='Uninhibit'><arg type='u' direction='in'/></method>"
  "<method name='IsInhibited'><arg type='u' direction='in'/><arg type='b' direction='out'/>"
  "</method>"
  "</interface></node>";

static void
on_session_manager_call (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  SessionManager *sm = user_data;

  g_mutex_lock (&sm->lock);
  if (g_strcmp0 (method, "Inhibit") == 0)
    {
      const char *app_id, *reason;
      guint xid, flags, cookie = ++sm->next_cookie;

      g_variant_get (parameters, "(&su&su)", &app_id, &xid, &reason, &flags);
      g_hash_table_insert (sm->held, GUINT_TO_POINTER (cookie), g_strdup (reason));
      sm->last_flags = flags;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", cookie));
    }
  else if (g_strcmp0 (method, "Uninhibit") == 0)
    {
      guint cookie;

      g_variant_get (parameters, "(u)", &cookie);
      g_hash_table_remove (sm->held, GUINT_TO_POINTER (cookie));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
  g_mutex_unlock (&sm->lock);
}

static const GDBusInterfaceVTable session_manager_vtable = { on_session_manager_call, NULL, NULL };

static void
on_session_manager_named (GDBusConnection *connection,
                          const char      *name,
                          gpointer         user_data)
{
  SessionManager *sm = user_data;

  g_mutex_lock (&sm->lock);
  sm->named = TRUE;
  g_cond_signal (&sm->ready);
  g_mutex_unlock (&sm->lock);
}

static gpointer
session_manager_run (gpointer user_data)
{
  SessionManager *sm = user_data;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (session_manager_xml, NULL);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  guint object, owner;

  g_main_context_push_thread_default (sm->context);
  g_assert_nonnull (address);
  connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
    | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  object = g_dbus_connection_register_object (connection, "/org/gnome/SessionManager",
                                              info->interfaces[0], &session_manager_vtable,
                                              sm, NULL, &error);
  g_assert_no_error (error);
  owner = g_bus_own_name_on_connection (connection, "org.gnome.SessionManager",
                                        G_BUS_NAME_OWNER_FLAGS_NONE, on_session_manager_named,
                                        NULL, sm, NULL);
  g_main_loop_run (sm->loop);
  g_bus_unown_name (owner);
  g_dbus_connection_unregister_object (connection, object);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  g_main_context_pop_thread_default (sm->context);
  return NULL;
}

static SessionManager *
session_manager_start (void)
{
  SessionManager *sm = g_new0 (SessionManager, 1);

  g_mutex_init (&sm->lock);
  g_cond_init (&sm->ready);
  sm->held = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sm->context = g_main_context_new ();
  sm->loop = g_main_loop_new (sm->context, FALSE);
  sm->thread = g_thread_new ("session-manager", session_manager_run, sm);
  g_mutex_lock (&sm->lock);
  while (!sm->named)
    g_cond_wait (&sm->ready, &sm->lock);
  g_mutex_unlock (&sm->lock);
  return sm;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
session_manager_stop (SessionManager *sm)
{
  g_main_context_invoke (sm->context, quit_loop, sm->loop);
  g_thread_join (sm->thread);
  g_main_loop_unref (sm->loop);
  g_main_context_unref (sm->context);
  g_hash_table_unref (sm->held);
  g_mutex_clear (&sm->lock);
  g_cond_clear (&sm->ready);
  g_free (sm);
}

/* The reason of the one inhibitor held (NULL: none), with the flags it was asked with. */
static char *
session_manager_dup_held (SessionManager *sm,
                          guint          *flags)
{
  char *reason = NULL;
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&sm->lock);
  g_assert_cmpuint (g_hash_table_size (sm->held), <=, 1);
  g_hash_table_iter_init (&iter, sm->held);
  if (g_hash_table_iter_next (&iter, NULL, &value))
    reason = g_strdup (value);
  *flags = sm->last_flags;
  g_mutex_unlock (&sm->lock);
  return reason;
}

/* The recording mark is on screen on every page of the window while the shift records. */
static void
assert_recording_mark_everywhere (GtkWidget *window)
{
  GtkWidget *mark = find_by_css_class (window, "recording-mark");
  AdwViewStack *stack = find_view_stack (window);
  const char *pages[] = { "queue", "history", "patrol" };

  g_assert_nonnull (mark);
  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      adw_view_stack_set_visible_child_name (stack, pages[i]);
      xuncha_ui_test_wait_for_frames (window, 2);
      g_assert_true (gtk_widget_is_drawable (mark));
      g_assert_cmpint (gtk_widget_get_width (mark), >, 0);
    }
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static XunchaPatrolPage *
find_patrol_page (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      XunchaPatrolPage *page;

      if (XUNCHA_IS_PATROL_PAGE (child))
        return XUNCHA_PATROL_PAGE (child);
      if ((page = find_patrol_page (child)) != NULL)
        return page;
    }
  return NULL;
}

/* The screenshot @path of the window shows the basemap's tiles 40 px left of the map's
 * centre (away from the north-south street through it) and something over them at the
 * centre. */
static void
assert_basemap_drawn (const char    *path,
                      XunchaMapView *map_view)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) shot = gdk_pixbuf_new_from_file (path, &error);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (map_view)));
  graphene_point_t centre = GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (map_view)) / 2.0f,
                                                 gtk_widget_get_height (GTK_WIDGET (map_view)) / 2.0f);
  graphene_point_t at;
  const guchar *pixel;
  int x, y;

  g_assert_no_error (error);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (map_view), root, &centre, &at));
  x = (int)at.x - 40;
  y = (int)at.y;
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, <, gdk_pixbuf_get_height (shot));
  pixel = gdk_pixbuf_read_pixels (shot) + y * gdk_pixbuf_get_rowstride (shot)
          + x * gdk_pixbuf_get_n_channels (shot);
  /* The tiles are filled with 0xf2e6c8 (make_basemap). */
  g_assert_cmpint (ABS (pixel[0] - 0xf2), <=, 4);
  g_assert_cmpint (ABS (pixel[1] - 0xe6), <=, 4);
  g_assert_cmpint (ABS (pixel[2] - 0xc8), <=, 4);

  /* The centre is on the walked street: it is drawn over the tiles, not hidden by them. */
  pixel = gdk_pixbuf_read_pixels (shot) + y * gdk_pixbuf_get_rowstride (shot)
          + (x + 40) * gdk_pixbuf_get_n_channels (shot);
  g_assert_false (ABS (pixel[0] - 0xf2) <= 4 && ABS (pixel[1] - 0xe6) <= 4
                  && ABS (pixel[2] - 0xc8) <= 4);
}

/* An MBTiles file with pale tiles at zooms 16 and 17 around a position (TMS rows). */
static char *
make_basemap (const char *dir,
              double      lat,
              double      lon)
{
  char *path = g_build_filename (dir, "base.mbtiles", NULL);
  g_autoptr(GdkPixbuf) tile = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 256);
  g_autofree char *png = NULL;
  gsize png_size = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  gdk_pixbuf_fill (tile, 0xf2e6c8ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (tile, &png, &png_size, "png", NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE metadata (name, value);"
                                 "INSERT INTO metadata VALUES ('format', 'png'), ('minzoom', '10'),"
                                 " ('maxzoom', '19');"
                                 "CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  for (int zoom = 16; zoom <= 17; zoom++)
    {
      int n = 1 << zoom;
      int x0 = (int)((lon + 180) / 360 * n);
      int y0 = (int)((1 - log (tan (lat * G_PI / 180) + 1 / cos (lat * G_PI / 180)) / G_PI) / 2 * n);

      for (int x = x0 - 2; x <= x0 + 2; x++)
        for (int y = y0 - 3; y <= y0 + 3; y++)
          {
            sqlite3_reset (stmt);
            sqlite3_bind_int (stmt, 1, zoom);
            sqlite3_bind_int (stmt, 2, x);
            sqlite3_bind_int (stmt, 3, n - 1 - y);
            sqlite3_bind_blob (stmt, 4, png, (int)png_size, SQLITE_STATIC);
            g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return path;
}

static void
wait_for_points (XunchaPatrolSession *session,
                 guint                n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GArray) points = xuncha_patrol_session_load_track (session);
      if (points->len >= n || g_get_monotonic_time () > deadline)
        {
          g_assert_cmpuint (points->len, >=, n);
          return;
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
assert_centred_on (XunchaMapView *map_view,
                   double         lat,
                   double         lon)
{
  double centre_lat, centre_lon;

  xuncha_map_view_get_center (map_view, &centre_lat, &centre_lon);
  g_assert_cmpfloat_with_epsilon (centre_lat, lat, 1e-6);
  g_assert_cmpfloat_with_epsilon (centre_lon, lon, 1e-6);
}

static guint
n_points (XunchaPatrolSession *session)
{
  g_autoptr(GArray) points = xuncha_patrol_session_load_track (session);

  return points->len;
}

/* The map keeps the walking officer in its centre; a move by hand stops that (the map stays
 * where the hand put it while the walk goes on); the locate button resumes it. */
static void
assert_map_follows (XunchaPatrolPage    *page,
                    XunchaPatrolSession *session,
                    XunchaMapView       *map_view)
{
  ShumateViewport *viewport = xuncha_map_view_get_viewport (map_view);
  XunchaFix first, fix;
  double panned_lat, panned_lon;

  g_assert_true (xuncha_patrol_session_get_last_fix (session, &first));
  g_assert_true (xuncha_patrol_page_get_following (page));
  assert_centred_on (map_view, first.lat, first.lon);
  wait_for_points (session, n_points (session) + 20);
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
  /* The officer walked on, and the map went with him. */
  g_assert_false (fix.lat == first.lat && fix.lon == first.lon);
  assert_centred_on (map_view, fix.lat, fix.lon);

  /* A hand drags the map away (what the map's drag gesture does to the viewport). */
  panned_lat = fix.lat + 0.003;
  panned_lon = fix.lon - 0.002;
  shumate_location_set_location (SHUMATE_LOCATION (viewport), panned_lat, panned_lon);
  g_assert_false (xuncha_patrol_page_get_following (page));
  wait_for_points (session, n_points (session) + 20);
  assert_centred_on (map_view, panned_lat, panned_lon);

  /* One tap on the locate button: back on the officer, and following again. */
  g_signal_emit_by_name (xuncha_patrol_page_get_center_button (page), "clicked");
  g_assert_true (xuncha_patrol_page_get_following (page));
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
  assert_centred_on (map_view, fix.lat, fix.lon);
  wait_for_points (session, n_points (session) + 20);
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
  assert_centred_on (map_view, fix.lat, fix.lon);
}

static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *root)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  return bounds;
}

/* A target a thumb hits: at least 44 px each way. */
static void
assert_target (GtkWidget  *widget,
               const char *what)
{
  g_test_message ("%s: %d x %d", what, gtk_widget_get_width (widget),
                  gtk_widget_get_height (widget));
  g_assert_cmpint (gtk_widget_get_width (widget), >=, 44);
  g_assert_cmpint (gtk_widget_get_height (widget), >=, 44);
}

static void
assert_apart (GtkWidget  *a,
              GtkWidget  *b,
              GtkWidget  *root,
              const char *what)
{
  graphene_rect_t ra = bounds_in (a, root), rb = bounds_in (b, root);

  if (graphene_rect_intersection (&ra, &rb, NULL))
    g_error ("%s: %gx%g+%g+%g overlaps %gx%g+%g+%g", what, ra.size.width, ra.size.height,
             ra.origin.x, ra.origin.y, rb.size.width, rb.size.height, rb.origin.x, rb.origin.y);
}

static GtkWidget *
find_by_css_name (GtkWidget  *widget,
                  const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_str_equal (gtk_widget_get_css_name (child), name) && gtk_widget_get_mapped (child))
        return child;
      if ((found = find_by_css_name (child, name)) != NULL)
        return found;
    }
  return NULL;
}

/* What lies over the patrol map, measured: the zoom and locate buttons are thumb-sized, no
 * street name is drawn under a control, End Shift sits far from Report, and a toast like
 * "Saved: …" with its Edit button covers none of them. */
static void
assert_controls_clear (GtkWidget        *window,
                       XunchaPatrolPage *page,
                       XunchaMapView    *map_view)
{
  GtkWidget *zoom_in = xuncha_map_view_get_zoom_button (map_view, TRUE);
  GtkWidget *zoom_out = xuncha_map_view_get_zoom_button (map_view, FALSE);
  GtkWidget *center = xuncha_patrol_page_get_center_button (page);
  GtkWidget *end_shift = xuncha_patrol_page_get_end_shift_button (page);
  GtkWidget *report = find_by_css_class (window, "report-button");
  GtkWidget *controls[] = { zoom_in, zoom_out, center, end_shift, report };
  XunchaStreetLayer *streets = xuncha_map_view_get_street_layer (map_view);
  GPtrArray *keep_clear = xuncha_map_view_get_keep_clear (map_view);
  GArray *labels = xuncha_street_layer_get_label_boxes (streets);
  GtkWidget *overlay, *toast, *edit;
  AdwToast *saved;

  assert_target (zoom_in, "zoom in");
  assert_target (zoom_out, "zoom out");
  assert_target (center, "locate");
  assert_target (end_shift, "End Shift");
  assert_target (report, "Report");

  /* End Shift is at the top of the map, Report at the bottom of the page: far apart. */
  {
    graphene_rect_t e = bounds_in (end_shift, window), r = bounds_in (report, window);

    g_assert_cmpfloat (r.origin.y - (e.origin.y + e.size.height), >, 300);
    /* It looks like what it does, not like a button that cannot be pressed. */
    g_assert_true (gtk_widget_is_sensitive (end_shift));
    g_assert_true (gtk_widget_has_css_class (end_shift, "destructive-action"));
  }

  /* The names drawn: none under a control over the map. */
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    {
      graphene_rect_t *label = &g_array_index (labels, graphene_rect_t, i);

      for (guint k = 0; k < keep_clear->len; k++)
        {
          GtkWidget *control = g_ptr_array_index (keep_clear, k);
          graphene_rect_t box;

          if (!gtk_widget_get_mapped (control))
            continue;
          g_assert_true (gtk_widget_compute_bounds (control, GTK_WIDGET (streets), &box));
          g_assert_false (graphene_rect_intersection (&box, label, NULL));
        }
    }
  g_assert_true (g_ptr_array_find (keep_clear, center, NULL));
  g_assert_true (g_ptr_array_find (keep_clear, end_shift, NULL));

  /* A saved report's toast, as the window shows it: two lines and Edit. */
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (page), ADW_TYPE_TOAST_OVERLAY);
  g_assert_nonnull (overlay);
  saved = adw_toast_new ("已保存：占道经营 · 陈寿路");
  {
    GtkWidget *title = gtk_label_new ("已保存：占道经营 · 陈寿路");

    gtk_label_set_wrap (GTK_LABEL (title), TRUE);
    gtk_label_set_max_width_chars (GTK_LABEL (title), 22);
    adw_toast_set_custom_title (saved, title);
  }
  adw_toast_set_button_label (saved, "编辑");
  adw_toast_set_timeout (saved, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_object_ref (saved));
  /* Where the toast comes to rest after sliding in. */
  xuncha_ui_test_wait_for_frames (window, 60);
  toast = find_by_css_name (overlay, "toast");
  g_assert_nonnull (toast);
  /* Every button of the toast: Edit and the close button. */
  for (edit = find_by_css_name (toast, "button"); edit != NULL;
       edit = gtk_widget_get_next_sibling (edit))
    if (GTK_IS_BUTTON (edit))
      assert_target (edit, gtk_button_get_label (GTK_BUTTON (edit)) != NULL
                           ? gtk_button_get_label (GTK_BUTTON (edit)) : "the toast's close button");
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    assert_apart (toast, controls[i], window, "the toast");
  g_free (xuncha_ui_test_screenshot (window, "patrol-toast"));
  adw_toast_dismiss (saved);
  g_object_unref (saved);
  xuncha_ui_test_wait_for_frames (window, 10);
}

static gboolean
route_shown (XunchaHistoryPage *history)
{
  return history != NULL && !xuncha_history_page_is_busy (history)
         && g_strcmp0 (xuncha_history_page_get_view (history), "route") == 0;
}

/* End Shift asks first; kept, nothing ends; ended, the shift's summary is shown, and "See
 * the Route" opens that shift's route in the history. */
static void
end_shift (GtkWidget           *window,
           XunchaPatrolPage    *page,
           XunchaPatrolSession *session)
{
  GtkWidget *button = xuncha_patrol_page_get_end_shift_button (page);
  AdwMessageDialog *dialog;
  gint64 deadline;

  g_autofree char *uuid = NULL;
  XunchaHistoryPage *history;

  g_assert_true (gtk_widget_get_visible (button));
  uuid = g_strdup (xuncha_shift_get_uuid (xuncha_patrol_session_get_shift (session)));
  g_signal_emit_by_name (button, "clicked");
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (dialog), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (dialog), "patrol-end-shift-question"));
  adw_message_dialog_response (dialog, "keep");
  g_assert_true (xuncha_patrol_session_get_shift_open (session));

  g_signal_emit_by_name (button, "clicked");
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "end");
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  g_assert_false (gtk_widget_get_visible (button));

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (xuncha_patrol_page_get_summary_text (page) == NULL
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (xuncha_patrol_page_get_summary_text (page));
  g_test_message ("summary: %s", xuncha_patrol_page_get_summary_text (page));
  /* Length, time, coverage of the assigned streets and reports. */
  g_assert_nonnull (strstr (xuncha_patrol_page_get_summary_text (page), "里程："));
  g_assert_nonnull (strstr (xuncha_patrol_page_get_summary_text (page), "时长："));
  g_assert_nonnull (strstr (xuncha_patrol_page_get_summary_text (page), "覆盖："));
  g_assert_nonnull (strstr (xuncha_patrol_page_get_summary_text (page), "上报："));
  dialog = xuncha_patrol_page_get_dialog (page);
  g_assert_nonnull (dialog);
  xuncha_ui_test_wait_for_frames (GTK_WIDGET (dialog), 3);
  g_free (xuncha_ui_test_screenshot (GTK_WIDGET (dialog), "patrol-shift-summary"));
  adw_message_dialog_response (dialog, "route");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_cmpstr (adw_view_stack_get_visible_child_name (find_view_stack (window)), ==,
                   "history");
  history = xuncha_window_get_history_page (XUNCHA_WINDOW (window));
  g_assert_nonnull (history);
  g_assert_cmpstr (xuncha_history_page_get_route_shift (history), ==, uuid);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!route_shown (history) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (route_shown (history));
  xuncha_ui_test_wait_for_frames (window, 3);
  g_free (xuncha_ui_test_screenshot (window, "patrol-shift-summary-route"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page",
                                  g_variant_new_string ("patrol"));
  xuncha_ui_test_wait_for_frames (window, 3);
}

/* Iterates until @done says so, failing after twenty seconds. */
static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

static gboolean
message_shown (gpointer page)
{
  return xuncha_patrol_page_get_message_text (page) != NULL
         && xuncha_map_view_get_task_pin (xuncha_patrol_page_get_map_view (page),
                                          "5b0d7c2e-1f0a-4c3e-9a51-2f7de0b1c9a4") != NULL;
}

static gboolean
message_read (gpointer store)
{
  g_autoptr(GPtrArray) unread = xuncha_message_store_list (store, TRUE, NULL);

  return unread != NULL && unread->len == 0;
}

/* The office's news on the patrol page: a task as a pin (a tap opens its page on the
 * Tasks tab), the unread message in a strip above the map until a tap marks it read, and
 * the read is queued for the office. */
static void
check_office_news (GtkWidget        *window,
                   XunchaPatrolPage *page,
                   XunchaStore      *store,
                   const XunchaFix  *fix)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_task_free);
  g_autoptr(GPtrArray) messages =
    g_ptr_array_new_with_free_func ((GDestroyNotify)xuncha_message_free);
  g_autoptr(GError) error = NULL;
  XunchaTask *task = xuncha_task_new ();
  XunchaMessage *message = g_new0 (XunchaMessage, 1);
  XunchaMapView *map_view = xuncha_patrol_page_get_map_view (page);
  guint changed = 0;

  task->id = g_strdup ("5b0d7c2e-1f0a-4c3e-9a51-2f7de0b1c9a4");
  task->kind = g_strdup ("verify");
  task->officer_id = g_strdup ("A001");
  task->state = g_strdup ("open");
  task->created_at = g_strdup ("2024-05-01T08:30:00Z");
  task->deadline = g_strdup ("2099-05-01T12:00:00Z");
  task->category = g_strdup ("09006");
  task->note = g_strdup ("市民热线：门前占道经营");
  task->lat = fix->lat + 0.0008;
  task->lon = fix->lon + 0.0006;
  task->radius_m = 50;
  task->revision = 1;
  g_ptr_array_add (tasks, task);
  g_assert_true (xuncha_task_store_apply (store, tasks, "A001", &changed, &error));
  g_assert_no_error (error);
  message->id = g_strdup ("8f2a0000-0000-4000-8000-000000000001");
  message->audience = g_strdup ("all");
  message->sender = g_strdup ("指挥中心");
  message->title = g_strdup ("今晚集中整治");
  message->body = g_strdup ("19:00 陈寿路集合");
  message->sent_at = g_strdup ("2024-05-01T08:30:00Z");
  message->revision = 1;
  g_ptr_array_add (messages, message);
  g_assert_true (xuncha_message_store_apply (store, messages, &changed, &error));
  g_assert_no_error (error);

  xuncha_patrol_page_refresh (page);
  wait_until (message_shown, page);
  g_assert_nonnull (strstr (xuncha_patrol_page_get_message_text (page), "今晚集中整治"));
  xuncha_map_view_center_on (map_view, fix->lat + 0.0004, fix->lon + 0.0003, 17);
  xuncha_ui_test_wait_for_frames (window, 6);
  g_free (xuncha_ui_test_screenshot (window, "patrol-task-and-message"));

  /* The pin opens the task's page. */
  g_signal_emit_by_name (xuncha_map_view_get_task_pin (map_view, task->id), "clicked");
  g_assert_cmpstr (xuncha_window_get_page (XUNCHA_WINDOW (window)), ==, "tasks");
  xuncha_window_show_page (XUNCHA_WINDOW (window), "patrol");

  /* A tap on the strip: read, gone, and queued for the next sync. */
  g_signal_emit_by_name (xuncha_patrol_page_get_message_button (page), "clicked");
  wait_until (message_read, store);
  g_assert_null (xuncha_patrol_page_get_message_text (page));
  {
    g_autofree char *state = xuncha_outbox_get_state (store, "message_read",
                                                      "8f2a0000-0000-4000-8000-000000000001");

    g_assert_cmpstr (state, ==, "waiting");
  }
}

static void
run_patrol (Fixture *fx)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (fx->app)));
  XunchaPatrolSession *session = xuncha_application_get_session (fx->app);
  XunchaStore *store = xuncha_application_get_store (fx->app);
  XunchaPatrolPage *page = find_patrol_page (window);
  GtkWidget *shift_button = xuncha_patrol_page_get_shift_button (page);
  XunchaMapView *map_view = xuncha_patrol_page_get_map_view (page);
  g_autoptr(XunchaShift) shift = NULL;
  g_autoptr(GError) error = NULL;
  XunchaFix fix;

  g_assert_nonnull (session);
  /* The street map loads on a worker thread after the window shows. */
  xuncha_ui_test_wait_for_property (fx->app, "street-map");
  /* The demo loaded its streets and assigned the strict ones. */
  g_assert_cmpint (xuncha_store_count_rows (store, "streets", NULL), ==, 60);
  g_assert_cmpint (xuncha_store_count_rows (store, "assignments", NULL), >, 0);
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  /* No shift, no report open: the GPS stays off. */
  g_assert_cmpint (xuncha_patrol_session_get_location_state (session), ==,
                   XUNCHA_LOCATION_STATE_IDLE);

  g_assert_false (gtk_widget_get_visible (find_by_css_class (window, "recording-mark")));
  /* In Chinese the scale reads metres only, no feet. */
  {
    GtkWidget *scale = find_widget (GTK_WIDGET (map_view), SHUMATE_TYPE_SCALE);

    g_assert_nonnull (scale);
    g_assert_cmpint (shumate_scale_get_unit (SHUMATE_SCALE (scale)), ==, SHUMATE_UNIT_METRIC);
  }
  /* Report before Start Shift: the location runs for the report and stops when it is left.
   * The shift started after must get positions again, not the last one frozen (the demo's
   * replay once stayed at its end). */
  {
    XunchaReportFlow *flow = xuncha_window_get_report_flow (XUNCHA_WINDOW (window));
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    g_action_group_activate_action (G_ACTION_GROUP (window), "report", NULL);
    g_assert_cmpstr (xuncha_window_get_screen (XUNCHA_WINDOW (window)), ==, "report");
    while (!xuncha_patrol_session_get_last_fix (session, &fix)
           && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
    g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (flow),
                                                          XUNCHA_TYPE_REPORT_FLOW,
                                                          "back_button"), "clicked");
    g_assert_cmpstr (xuncha_window_get_screen (XUNCHA_WINDOW (window)), ==, "main");
  }
  /* One tap (a click) starts the shift; the replayed walk comes in and is stored. */
  g_signal_emit_by_name (shift_button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (shift_button)));
  g_assert_true (xuncha_patrol_session_get_shift_open (session));
  /* The shift records: the phone was asked not to suspend, with a reason the shell shows. */
  {
    guint flags = 0;
    g_autofree char *reason = session_manager_dup_held (fx->session_manager, &flags);

    g_assert_nonnull (reason);
    g_assert_cmpstr (reason, !=, "");
    g_assert_true (flags & GTK_APPLICATION_INHIBIT_SUSPEND);
  }
  assert_recording_mark_everywhere (window);
  wait_for_points (session, 40);
  g_assert_true (xuncha_patrol_session_get_last_fix (session, &fix));
  assert_map_follows (page, session, map_view);
  /* The compass shows only while the map is turned. */
  {
    ShumateViewport *viewport = xuncha_map_view_get_viewport (map_view);
    GtkWidget *compass = NULL;

    for (GtkWidget *w = GTK_WIDGET (map_view); w != NULL && compass == NULL;)
      {
        /* The simple map is the map view's only child. */
        if (SHUMATE_IS_SIMPLE_MAP (w))
          compass = GTK_WIDGET (shumate_simple_map_get_compass (SHUMATE_SIMPLE_MAP (w)));
        w = gtk_widget_get_first_child (w);
      }
    g_assert_nonnull (compass);
    g_assert_false (gtk_widget_get_visible (compass));
    shumate_viewport_set_rotation (viewport, 0.5);
    g_assert_true (gtk_widget_get_visible (compass));
    shumate_viewport_set_rotation (viewport, 0);
    g_assert_false (gtk_widget_get_visible (compass));
  }
  xuncha_map_view_center_on (map_view, fix.lat, fix.lon, 16.5);
  xuncha_ui_test_wait_for_frames (window, 4);
  g_assert_cmpuint (xuncha_street_layer_get_n_drawn (xuncha_map_view_get_street_layer (map_view)),
                    >, 5);
  g_free (xuncha_ui_test_screenshot (window, "patrol"));
  assert_controls_clear (window, page, map_view);

  /* An offline basemap from the settings goes under the street layer; a file that is not
   * one is refused and the street layer alone stays. */
  {
    g_autofree char *dir = xuncha_test_make_tmpdir ();
    g_autofree char *mbtiles = make_basemap (dir, fix.lat, fix.lon);
    g_autofree char *bogus = g_build_filename (dir, "notes.mbtiles", NULL);
    GSettings *settings = xuncha_application_get_settings (fx->app);

    g_assert_false (xuncha_map_view_has_basemap (map_view));
    g_settings_set_string (settings, "basemap-file", mbtiles);
    g_assert_true (xuncha_map_view_has_basemap (map_view));
    xuncha_ui_test_wait_for_frames (window, 20);
    {
      g_autofree char *path = xuncha_ui_test_screenshot (window, "patrol-basemap");

      /* The tiles are drawn, and under the streets: a spot of the map away from any street
       * has the tiles' colour, and the street through the middle is still drawn. */
      assert_basemap_drawn (path, map_view);
    }
    g_assert_true (g_file_set_contents (bogus, "not tiles", -1, NULL));
    g_settings_set_string (settings, "basemap-file", bogus);
    g_assert_false (xuncha_map_view_has_basemap (map_view));
    g_settings_reset (settings, "basemap-file");
    xuncha_test_remove_tree (dir);
  }

  check_office_news (window, page, store, &fix);

  /* Ending the shift closes it in the store with its points. */
  g_assert_false (gtk_widget_get_visible (shift_button));
  end_shift (window, page, session);
  g_assert_true (gtk_widget_get_visible (shift_button));
  g_assert_false (xuncha_patrol_session_get_shift_open (session));
  shift = xuncha_shift_get_open (store, &error);
  g_assert_no_error (error);
  g_assert_null (shift);
  g_assert_cmpint (xuncha_store_count_rows (store, "track_points", NULL), >=, 40);
  g_assert_cmpint (xuncha_store_count_rows (store, "shifts", NULL), ==, 1);
  g_assert_false (gtk_widget_get_visible (find_by_css_class (window, "recording-mark")));
  /* The shift ended: the phone may sleep again (the release is not waited for by GTK). */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    guint flags = 0;
    char *reason;

    while ((reason = session_manager_dup_held (fx->session_manager, &flags)) != NULL
           && g_get_monotonic_time () < deadline)
      {
        g_free (reason);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
    g_assert_null (reason);
  }

  fx->done = TRUE;
  g_application_quit (G_APPLICATION (fx->app));
}

static void
on_activate (GApplication *app,
             Fixture      *fx)
{
  g_idle_add_once ((GSourceOnceFunc)run_patrol, fx);
}

static void
test_patrol (void)
{
  Fixture fx = { NULL, NULL, FALSE, NULL };
  const char *argv[] = { "xuncha", "--data-dir", NULL, "--demo", "--speed", "100", NULL };

  if (!xuncha_ui_test_have_display ())
    return;

  fx.data_dir = xuncha_test_make_tmpdir ();
  argv[2] = fx.data_dir;
  /* Before the application starts: GTK looks for the session manager at start-up. */
  fx.session_manager = session_manager_start ();
  fx.app = xuncha_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), &fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 6, (char **)argv), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
  session_manager_stop (fx.session_manager);
  xuncha_test_remove_tree (fx.data_dir);
  g_free (fx.data_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* As an officer sees it: in Chinese. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XUNCHA_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/ui/patrol/shift-and-map", test_patrol);

  return g_test_run ();
}
