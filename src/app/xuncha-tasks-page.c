/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-tasks-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "xuncha-message-item.h"
#include "xuncha-task-item.h"
#include "xuncha-tasks-page-private.h"
#include "xuncha-thumbnail.h"

enum
{
  PROP_0,
  PROP_N_TASKS,
  PROP_STORE_WORKER,
  PROP_SESSION,
  N_PROPS
};

enum
{
  SIGNAL_DO_TASK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

struct _XunchaTasksPage
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkWidget           *messages_heading;
  GtkListBox          *message_list;
  GtkListBox          *task_list;
  GtkWidget           *no_tasks_label;
  GtkLabel            *task_title;
  AdwActionRow        *what_row;
  AdwActionRow        *where_row;
  AdwActionRow        *deadline_row;
  AdwActionRow        *reports_row;
  GtkLabel            *photos_label;
  GtkFlowBox          *photo_box;
  GtkPicture          *full_photo;
  GtkWidget           *do_button;
  GtkWidget           *outcome_heading;
  GtkBox              *outcome_box;
  GtkLabel            *task_status;

  XunchaStoreWorker   *worker;
  XunchaPatrolSession *session;
  GListStore          *tasks;      /* XunchaTaskItem, the inbox's order */
  GListStore          *messages;   /* XunchaMessageItem, unread, newest first */
  GCancellable        *cancellable;
  GCancellable        *photo_loads;  /* the task page's photos: cancelled on another task */
  GCancellable        *full_load;    /* the photo shown large */
  GStrv                photo_names;  /* the photos on the task page, or NULL */
  gboolean             photos_missing; /* one of them waits for the sync */
  guint                busy;
  gboolean             loaded;

  XunchaTaskItem      *current;    /* the task on its page */
  char                *doing;      /* the task being done in the report flow */
  GPtrArray           *doing_reports;
};

G_DEFINE_FINAL_TYPE (XunchaTasksPage, xuncha_tasks_page, GTK_TYPE_WIDGET)

/* What the store gave for the list, read on the worker. */
typedef struct
{
  double      lat;
  double      lon;
  GPtrArray  *tasks;
  GPtrArray  *messages;
  GHashTable *category_names;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->tasks, g_ptr_array_unref);
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_clear_pointer (&data->category_names, g_hash_table_unref);
  g_free (data);
}

/* A result to save, or a task to accept, or a message to mark read. */
typedef struct
{
  char  *id;
  char  *kind;
  char  *outcome;
  GStrv  report_uuids;
  char  *at;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->id);
  g_free (data->kind);
  g_free (data->outcome);
  g_strfreev (data->report_uuids);
  g_free (data->at);
  g_free (data);
}

/* The office's photos of the task on its page, looked up on the worker: whether the sync
 * has fetched each is a look at the disk. */
typedef struct
{
  char  *task_id;
  GStrv  sha256s;
  GStrv  paths;     /* per photo: its file, or "" until the sync fetches it */
} PhotoData;

static void
photo_data_free (PhotoData *data)
{
  g_free (data->task_id);
  g_strfreev (data->sha256s);
  g_strfreev (data->paths);
  g_free (data);
}

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
get_here (XunchaTasksPage *self,
          double          *lat,
          double          *lon)
{
  XunchaFix fix;

  *lat = NAN;
  *lon = NAN;
  if (self->session == NULL || !xuncha_patrol_session_get_last_fix (self->session, &fix))
    return FALSE;
  *lat = fix.lat;
  *lon = fix.lon;
  return TRUE;
}

static void
busy_begin (XunchaTasksPage *self)
{
  self->busy++;
}

static void
busy_end (XunchaTasksPage *self)
{
  g_assert (self->busy > 0);
  self->busy--;
}

/* The deadline in local time, and whether it has passed. */
static char *
describe_deadline (const XunchaTask *task,
                   gboolean          in_row,
                   gboolean         *overdue)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  *overdue = xuncha_task_is_overdue (task, g_get_real_time () / 1000);
  if (task->deadline_ms <= 0)
    return g_strdup (task->deadline != NULL ? task->deadline : "");
  local = g_date_time_new_from_unix_local (task->deadline_ms / 1000);
  when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  /* Under the page's "Deadline" the time alone says it. */
  if (!in_row)
    return *overdue ? g_strdup_printf (_("%s (overdue)"), when) : g_steal_pointer (&when);
  /* TRANSLATORS: %s is a local date and time */
  return *overdue ? g_strdup_printf (_("Overdue since %s"), when)
                  : g_strdup_printf (_("Due %s"), when);
}

static char *
describe_where (const XunchaTask *task,
                double            distance,
                double            bearing)
{
  static const char * const directions[] = {
    N_("north"), N_("north-east"), N_("east"), N_("south-east"),
    N_("south"), N_("south-west"), N_("west"), N_("north-west"),
  };

  if (isnan (task->lat))
    {
      if (g_strv_length (task->street_ids) > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u street segment to walk",
                                             "%u street segments to walk",
                                             g_strv_length (task->street_ids)),
                                g_strv_length (task->street_ids));
      return g_strdup (_("Wherever you are"));
    }
  if (isnan (distance))
    return g_strdup_printf (_("%.5f, %.5f (no position fix yet)"), task->lat, task->lon);
  if (distance < 5)
    return g_strdup (_("You are there"));
  if (distance >= 1000)
    /* TRANSLATORS: distance in kilometres and a compass direction, e.g. "1.2 km north-east" */
    return g_strdup_printf (_("%.1f km to the %s"), distance / 1000,
                            _(directions[xuncha_bearing_octant (bearing)]));
  /* TRANSLATORS: distance in metres and a compass direction, e.g. "230 m north-east" */
  return g_strdup_printf (_("%.0f m to the %s"), distance,
                          _(directions[xuncha_bearing_octant (bearing)]));
}

static GtkWidget *
create_task_row (gpointer item,
                 gpointer user_data)
{
  XunchaTaskItem *task_item = item;
  const XunchaTask *task = xuncha_task_item_get_task (task_item);
  g_autofree char *deadline = NULL;
  g_autofree char *where = NULL;
  g_autofree char *subtitle = NULL;
  gboolean overdue;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  deadline = describe_deadline (task, TRUE, &overdue);
  where = describe_where (task, xuncha_task_item_get_distance (task_item),
                          xuncha_task_item_get_bearing (task_item));
  subtitle = g_strdup_printf ("%s · %s", deadline, where);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xuncha_task_item_get_title (task_item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  icon = gtk_image_new_from_icon_name (overdue ? "task-past-due-symbolic" : "task-due-symbolic");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "tasks.open");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", task->id);
  if (overdue)
    gtk_widget_add_css_class (row, "overdue");
  return row;
}

static GtkWidget *
create_message_row (gpointer item,
                    gpointer user_data)
{
  const XunchaMessage *message = xuncha_message_item_get_message (item);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  subtitle = g_strdup_printf ("%s · %s", message->sender, message->body);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("mail-unread-symbolic"));
  gtk_widget_set_tooltip_text (row, _("Tap to mark it read"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "tasks.read");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", message->id);
  gtk_widget_add_css_class (row, "unread-message");
  return row;
}

static void
list_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  ListData *data = g_new0 (ListData, 1);
  const double *here = task_data;
  GError *error = NULL;

  data->lat = here[0];
  data->lon = here[1];
  data->tasks = xuncha_task_store_list (store, 0, FALSE, &error);
  if (data->tasks != NULL)
    data->messages = xuncha_message_store_list (store, TRUE, &error);
  if (data->messages == NULL)
    {
      list_data_free (data);
      g_task_return_error (task, error);
      return;
    }
  xuncha_task_sort (data->tasks, data->lat, data->lon);
  data->category_names = xuncha_taxonomy_load_names (store);
  g_task_return_pointer (task, data, (GDestroyNotify)list_data_free);
}

static char *
task_title (const XunchaTask *task,
            GHashTable       *category_names)
{
  const char *category = NULL;

  if (task->category != NULL && category_names != NULL)
    category = g_hash_table_lookup (category_names, task->category);
  if (category == NULL)
    category = task->category;
  if (category != NULL)
    return g_strdup_printf ("%s · %s", xuncha_task_kind_label (task->kind), category);
  if (task->street_name != NULL)
    return g_strdup_printf ("%s · %s", xuncha_task_kind_label (task->kind), task->street_name);
  return g_strdup (xuncha_task_kind_label (task->kind));
}

static XunchaTaskItem *
find_item (XunchaTasksPage *self,
           const char      *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaTaskItem) item = g_list_model_get_item (G_LIST_MODEL (self->tasks), i);

      if (g_strcmp0 (xuncha_task_item_get_task (item)->id, id) == 0)
        return g_steal_pointer (&item);
    }
  return NULL;
}

static void
clear_outcomes (XunchaTasksPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->outcome_box))) != NULL)
    gtk_box_remove (self->outcome_box, child);
}

/* A tile of the task page's photos: the thumbnail to tap for the photo large, or, for one
 * the sync has not fetched yet, a placeholder saying when it comes. */
static GtkWidget *
create_photo_tile (XunchaTasksPage *self,
                   const char      *path)
{
  GtkWidget *picture;
  GtkWidget *button;
  g_autoptr(GFile) file = NULL;

  if (path[0] == '\0')
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *label = gtk_label_new (_("The photo will be downloaded at the next sync"));

      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("image-x-generic-symbolic"));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 8);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_size_request (box, 96, 96);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (box, "dim-label");
      gtk_widget_add_css_class (box, "office-photo-placeholder");
      return box;
    }

  picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (picture, 96, 96);
  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), picture);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "office-photo");
  gtk_widget_set_tooltip_text (button, _("Tap to see it large"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "tasks.photo");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  /* Shown 96 points square, decoded for screens of two pixels a point. */
  file = g_file_new_for_path (path);
  xuncha_thumbnail_load_file (GTK_PICTURE (picture), file, 192, self->photo_loads);
  return button;
}

static void
clear_photos (XunchaTasksPage *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->photo_loads);
  g_clear_object (&self->photo_loads);
  self->photo_loads = g_cancellable_new ();
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box))) != NULL)
    gtk_flow_box_remove (self->photo_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), FALSE);
  g_clear_pointer (&self->photo_names, g_strfreev);
  self->photos_missing = FALSE;
}

static void
photos_job (GTask        *task,
            XunchaStore  *store,
            gpointer      task_data,
            GCancellable *cancellable)
{
  PhotoData *data = task_data;
  guint n = g_strv_length (data->sha256s);

  data->paths = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      char *path = xuncha_task_store_office_photo_path (store, data->sha256s[i]);

      data->paths[i] = path != NULL ? path : g_strdup ("");
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_photos_found (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (source);
  PhotoData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  busy_end (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;   /* only cancelled: another task's page, or the page went away */
  if (self->current == NULL
      || g_strcmp0 (xuncha_task_item_get_task (self->current)->id, data->task_id) != 0)
    return;
  g_strfreev (self->photo_names);
  self->photo_names = g_strdupv (data->sha256s);
  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      GtkWidget *tile = create_photo_tile (self, data->paths[i]);

      if (data->paths[i][0] == '\0')
        self->photos_missing = TRUE;
      gtk_flow_box_append (self->photo_box, tile);
      /* The tile's button takes the focus; its wrapper needs none. */
      gtk_widget_set_focusable (gtk_widget_get_parent (tile), FALSE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), data->paths[0] != NULL);
}

static void
load_photos (XunchaTasksPage  *self,
             const XunchaTask *task)
{
  g_autoptr(GTask) job = NULL;
  PhotoData *data;

  clear_photos (self);
  if (self->worker == NULL || g_strv_length (task->photos) == 0)
    return;
  data = g_new0 (PhotoData, 1);
  data->task_id = g_strdup (task->id);
  data->sha256s = g_strdupv (task->photos);
  job = g_task_new (self, self->photo_loads, on_photos_found, NULL);
  g_task_set_source_tag (job, load_photos);
  g_task_set_task_data (job, data, (GDestroyNotify)photo_data_free);
  busy_begin (self);
  xuncha_store_worker_run (self->worker, job, photos_job);
}

static void
on_list_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (source);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  ListData *data = g_task_propagate_pointer (G_TASK (result), &error);
  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (self->tasks));

  busy_end (self);
  if (data == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the tasks: %s", error->message);
      return;
    }
  for (guint i = 0; i < data->tasks->len; i++)
    {
      const XunchaTask *task = g_ptr_array_index (data->tasks, i);
      g_autofree char *title = task_title (task, data->category_names);
      double distance = xuncha_task_distance_m (task, data->lat, data->lon);
      double bearing = isnan (distance) ? NAN
                                        : xuncha_bearing_deg (data->lat, data->lon,
                                                              task->lat, task->lon);

      g_ptr_array_add (items, xuncha_task_item_new (task, title, distance, bearing));
    }
  for (guint i = 0; i < data->messages->len; i++)
    g_ptr_array_add (messages, xuncha_message_item_new (g_ptr_array_index (data->messages, i)));
  g_list_store_splice (self->tasks, 0, old_n, items->pdata, items->len);
  g_list_store_splice (self->messages, 0, g_list_model_get_n_items (G_LIST_MODEL (self->messages)),
                       messages->pdata, messages->len);
  gtk_widget_set_visible (self->no_tasks_label, items->len == 0);
  gtk_widget_set_visible (self->messages_heading, messages->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->message_list), messages->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->task_list), items->len > 0);
  self->loaded = TRUE;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  if (old_n != items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TASKS]);
  list_data_free (data);

  /* The task on its page, as read now: the sync may have fetched a photo it waited for,
   * or the office may have changed them. */
  if (self->current != NULL)
    {
      g_autoptr(XunchaTaskItem) fresh = find_item (self,
                                                   xuncha_task_item_get_task (self->current)->id);
      const XunchaTask *task;

      if (fresh == NULL)
        return;
      g_set_object (&self->current, fresh);
      task = xuncha_task_item_get_task (fresh);
      if (self->photos_missing || self->photo_names == NULL
          || !g_strv_equal ((const char * const *)self->photo_names,
                            (const char * const *)task->photos))
        load_photos (self, task);
    }
}

/* Fills the task's page from self->current. */
static void
show_current (XunchaTasksPage *self)
{
  const XunchaTask *task = xuncha_task_item_get_task (self->current);
  g_autofree char *deadline = NULL;
  g_autofree char *where = NULL;
  g_autofree char *title = NULL;
  double lat, lon, distance = NAN, bearing = NAN;
  gboolean overdue, doing, office, can_finish;
  guint n_reports;

  if (get_here (self, &lat, &lon))
    {
      distance = xuncha_task_distance_m (task, lat, lon);
      if (!isnan (distance))
        bearing = xuncha_bearing_deg (lat, lon, task->lat, task->lon);
    }
  title = g_strdup (xuncha_task_item_get_title (self->current));
  gtk_label_set_text (self->task_title, title);
  adw_action_row_set_subtitle (self->what_row,
                               task->note != NULL && task->note[0] != '\0'
                                 ? task->note : xuncha_task_kind_label (task->kind));
  where = describe_where (task, distance, bearing);
  adw_action_row_set_subtitle (self->where_row, where);
  deadline = describe_deadline (task, FALSE, &overdue);
  adw_action_row_set_subtitle (self->deadline_row, deadline);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->deadline_row), "overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_row), "overdue");

  /* The office's photos come with the task as names; the sync fetches the files. */
  load_photos (self, task);
  gtk_widget_set_visible (GTK_WIDGET (self->photos_label), g_strv_length (task->photos) > 0);
  if (g_strv_length (task->photos) > 0)
    {
      g_autofree char *photos = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u photo from the office", "%u photos from the office",
                     g_strv_length (task->photos)),
        g_strv_length (task->photos));
      gtk_label_set_text (self->photos_label, photos);
    }

  doing = g_strcmp0 (self->doing, task->id) == 0;
  n_reports = doing ? self->doing_reports->len : 0;
  gtk_widget_set_visible (GTK_WIDGET (self->reports_row), n_reports > 0);
  if (n_reports > 0)
    {
      g_autofree char *reports = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u report saved on the device",
                     "%u reports saved on the device", n_reports), n_reports);
      adw_action_row_set_subtitle (self->reports_row, reports);
    }

  /* A due re-inspection ends with its report; an office task with the outcome the officer
   * chooses, with or without a report. */
  office = task->origin == XUNCHA_TASK_ORIGIN_OFFICE;
  can_finish = office && xuncha_task_is_doable (task);
  gtk_widget_set_visible (self->do_button, xuncha_task_is_doable (task)
                                           && g_strcmp0 (task->kind, "rollcall") != 0);
  gtk_widget_set_visible (self->outcome_heading, can_finish);
  clear_outcomes (self);
  if (can_finish)
    {
      const char * const *outcomes = xuncha_task_outcomes_for_kind (task->kind);

      for (guint i = 0; outcomes[i] != NULL; i++)
        {
          GtkWidget *button = gtk_button_new_with_label (xuncha_task_outcome_label (outcomes[i]));

          gtk_widget_add_css_class (button, "category-button");
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "tasks.outcome");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", outcomes[i]);
          gtk_box_append (self->outcome_box, button);
        }
    }
  if (task->outcome != NULL)
    {
      g_autofree char *done = g_strdup_printf (_("Done: %s. The office is told with the next "
                                                 "sync."),
                                               xuncha_task_outcome_label (task->outcome));
      gtk_label_set_text (self->task_status, done);
    }
}

static void
show_status (XunchaTasksPage *self,
             const char      *text)
{
  gtk_label_set_text (self->task_status, text);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  xuncha_tasks_page_open_task (XUNCHA_TASKS_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);

  gtk_stack_set_visible_child_name (self->stack, "list");
  g_clear_object (&self->current);
  clear_photos (self);
}

static void
close_full_photo (XunchaTasksPage *self)
{
  g_cancellable_cancel (self->full_load);
  g_clear_object (&self->full_load);
  gtk_picture_set_paintable (self->full_photo, NULL);
}

static void
photo_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  close_full_photo (self);
  self->full_load = g_cancellable_new ();
  /* Decoded on a worker to about a phone screen's pixels: a camera's full resolution
   * would cost the memory of several screens and show nothing more. */
  xuncha_thumbnail_load_file (self->full_photo, file, 1440, self->full_load);
  gtk_stack_set_visible_child_name (self->stack, "photo");
}

static void
close_photo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);

  close_full_photo (self);
  gtk_stack_set_visible_child_name (self->stack, "task");
}

static void
on_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (source);
  WriteData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  const XunchaTask *task;

  busy_end (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_status (self, error->message);
      return;
    }
  if (self->current == NULL
      || g_strcmp0 (xuncha_task_item_get_task (self->current)->id, data->id) != 0)
    return;
  task = xuncha_task_item_get_task (self->current);
  if (g_strcmp0 (self->doing, task->id) != 0)
    {
      g_free (self->doing);
      self->doing = g_strdup (task->id);
      g_ptr_array_set_size (self->doing_reports, 0);
    }
  g_signal_emit (self, signals[SIGNAL_DO_TASK], 0, task->id, task->report_uuid);
}

static void
accept_job (GTask        *task,
            XunchaStore  *store,
            gpointer      task_data,
            GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  /* A due re-inspection is the device's own: nothing to tell the office. */
  if (!g_str_has_prefix (data->id, XUNCHA_TASK_REINSPECTION_PREFIX)
      && !xuncha_task_store_accept (store, data->id, data->at, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
do_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  if (self->current == NULL || self->worker == NULL)
    return;
  data = g_new0 (WriteData, 1);
  data->id = g_strdup (xuncha_task_item_get_task (self->current)->id);
  data->at = now_iso ();
  task = g_task_new (self, self->cancellable, on_accepted, NULL);
  g_task_set_source_tag (task, do_action);
  g_task_set_task_data (task, data, (GDestroyNotify)write_data_free);
  busy_begin (self);
  xuncha_store_worker_run (self->worker, task, accept_job);
}

/* A roll call is answered with the latest fix of the open shift; without a shift the task
 * store refuses it with the reason. */
static gboolean
fill_shift (XunchaStore       *store,
            XunchaTaskResult  *result,
            GError           **error)
{
  g_autoptr(XunchaShift) shift = xuncha_shift_get_open (store, error);
  XunchaFix fix;
  gint64 seq;

  if (shift == NULL)
    return error == NULL || *error == NULL;
  result->shift_uuid = g_strdup (xuncha_shift_get_uuid (shift));
  if (!xuncha_shift_get_last_point (shift, store, &seq, &fix, error))
    return error == NULL || *error == NULL;
  result->lat = fix.lat;
  result->lon = fix.lon;
  result->accuracy = fix.accuracy;
  result->position_source = g_strdup ("gps");
  return TRUE;
}

/* "Something else" names the right category: the one of the report made for the task. */
static gboolean
fill_category (XunchaStore       *store,
               XunchaTaskResult  *result,
               GError           **error)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;

  if (g_strv_length (result->report_uuids) == 0)
    {
      g_set_error_literal (error, XUNCHA_TASK_STORE_ERROR, XUNCHA_TASK_STORE_ERROR_INVALID,
                           _("Report what you found first (Do it, with the right category), "
                             "then choose “Something else”."));
      return FALSE;
    }
  reports = xuncha_report_store_new (store, error);
  if (reports == NULL)
    return FALSE;
  report = xuncha_report_store_get (reports, result->report_uuids[0], error);
  if (report == NULL)
    return FALSE;
  result->category = g_strdup (xuncha_report_get_category (report));
  return TRUE;
}

static void
result_job (GTask        *task,
            XunchaStore  *store,
            gpointer      task_data,
            GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autoptr(XunchaTaskResult) result = xuncha_task_result_new ();
  GError *error = NULL;

  result->result_uuid = g_uuid_string_random ();
  result->task_id = g_strdup (data->id);
  result->outcome = g_strdup (data->outcome);
  g_strfreev (result->report_uuids);
  result->report_uuids = g_strdupv (data->report_uuids);
  result->done_at = g_strdup (data->at);
  if ((g_strcmp0 (data->outcome, "different") == 0 && !fill_category (store, result, &error))
      || !fill_shift (store, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Accepted and done together, or neither: a refused result leaves nothing queued. */
  if (!xuncha_store_begin (store, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!xuncha_task_store_accept (store, data->id, data->at, &error)
      || !xuncha_task_store_save_result (store, result, &error)
      || !xuncha_store_commit (store, &error))
    {
      xuncha_store_rollback (store);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_result_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (source);
  WriteData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  busy_end (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_status (self, error->message);
      return;
    }
  if (g_strcmp0 (self->doing, data->id) == 0)
    {
      g_clear_pointer (&self->doing, g_free);
      g_ptr_array_set_size (self->doing_reports, 0);
    }
  if (self->current != NULL
      && g_strcmp0 (xuncha_task_item_get_task (self->current)->id, data->id) == 0)
    {
      XunchaTask *task = (XunchaTask *)xuncha_task_item_get_task (self->current);

      g_free (task->outcome);
      task->outcome = g_strdup (data->outcome);
      show_current (self);
    }
  xuncha_tasks_page_refresh (self);
}

static void
outcome_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);
  const XunchaTask *current;
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  if (self->current == NULL || self->worker == NULL)
    return;
  current = xuncha_task_item_get_task (self->current);
  data = g_new0 (WriteData, 1);
  data->id = g_strdup (current->id);
  data->kind = g_strdup (current->kind);
  data->outcome = g_variant_dup_string (parameter, NULL);
  data->at = now_iso ();
  if (g_strcmp0 (self->doing, current->id) == 0)
    {
      g_ptr_array_add (self->doing_reports, NULL);
      data->report_uuids = g_strdupv ((char **)self->doing_reports->pdata);
      g_ptr_array_set_size (self->doing_reports, self->doing_reports->len - 1);
    }
  else
    data->report_uuids = g_new0 (char *, 1);
  show_status (self, "");
  task = g_task_new (self, self->cancellable, on_result_saved, NULL);
  g_task_set_source_tag (task, outcome_action);
  g_task_set_task_data (task, data, (GDestroyNotify)write_data_free);
  busy_begin (self);
  xuncha_store_worker_run (self->worker, task, result_job);
}

static void
read_job (GTask        *task,
          XunchaStore  *store,
          gpointer      task_data,
          GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (!xuncha_message_store_mark_read (store, data->id, data->at, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (source);
  g_autoptr(GError) error = NULL;

  busy_end (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not mark the message read: %s", error->message);
      return;
    }
  xuncha_tasks_page_refresh (self);
}

static void
read_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  if (self->worker == NULL)
    return;
  data = g_new0 (WriteData, 1);
  data->id = g_variant_dup_string (parameter, NULL);
  data->at = now_iso ();
  task = g_task_new (self, self->cancellable, on_read, NULL);
  g_task_set_source_tag (task, read_action);
  g_task_set_task_data (task, data, (GDestroyNotify)write_data_free);
  busy_begin (self);
  xuncha_store_worker_run (self->worker, task, read_job);
}

static void
xuncha_tasks_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_TASKS:
      g_value_set_uint (value, xuncha_tasks_page_get_n_tasks (self));
      break;
    case PROP_STORE_WORKER:
      g_value_set_object (value, self->worker);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_tasks_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE_WORKER:
      xuncha_tasks_page_set_store_worker (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      xuncha_tasks_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xuncha_tasks_page_dispose (GObject *object)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->photo_loads);
  g_cancellable_cancel (self->full_load);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_TASKS_PAGE);
  g_clear_object (&self->worker);
  g_clear_object (&self->session);
  g_clear_object (&self->current);

  G_OBJECT_CLASS (xuncha_tasks_page_parent_class)->dispose (object);
}

static void
xuncha_tasks_page_finalize (GObject *object)
{
  XunchaTasksPage *self = XUNCHA_TASKS_PAGE (object);

  g_clear_object (&self->tasks);
  g_clear_object (&self->messages);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->photo_loads);
  g_clear_object (&self->full_load);
  g_clear_pointer (&self->photo_names, g_strfreev);
  g_clear_pointer (&self->doing, g_free);
  g_clear_pointer (&self->doing_reports, g_ptr_array_unref);

  G_OBJECT_CLASS (xuncha_tasks_page_parent_class)->finalize (object);
}

static void
xuncha_tasks_page_class_init (XunchaTasksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xuncha_tasks_page_get_property;
  object_class->set_property = xuncha_tasks_page_set_property;
  object_class->dispose = xuncha_tasks_page_dispose;
  object_class->finalize = xuncha_tasks_page_finalize;

  properties[PROP_N_TASKS] =
    g_param_spec_uint ("n-tasks", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Bound by the window to the application's. */
  properties[PROP_STORE_WORKER] =
    g_param_spec_object ("store-worker", NULL, NULL, XUNCHA_TYPE_STORE_WORKER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XUNCHA_TYPE_PATROL_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_DO_TASK] =
    g_signal_new ("do-task", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-tasks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, stack);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, messages_heading);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, message_list);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, task_list);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, no_tasks_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, task_title);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, what_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, where_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, reports_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, photos_label);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, photo_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, full_photo);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, do_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, outcome_heading);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, outcome_box);
  gtk_widget_class_bind_template_child (widget_class, XunchaTasksPage, task_status);
  gtk_widget_class_install_action (widget_class, "tasks.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "tasks.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "tasks.do", NULL, do_action);
  gtk_widget_class_install_action (widget_class, "tasks.outcome", "s", outcome_action);
  gtk_widget_class_install_action (widget_class, "tasks.read", "s", read_action);
  gtk_widget_class_install_action (widget_class, "tasks.photo", "s", photo_action);
  gtk_widget_class_install_action (widget_class, "tasks.close-photo", NULL, close_photo_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
xuncha_tasks_page_init (XunchaTasksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tasks = g_list_store_new (XUNCHA_TYPE_TASK_ITEM);
  self->messages = g_list_store_new (XUNCHA_TYPE_MESSAGE_ITEM);
  self->cancellable = g_cancellable_new ();
  self->photo_loads = g_cancellable_new ();
  self->doing_reports = g_ptr_array_new_with_free_func (g_free);
  gtk_list_box_bind_model (self->task_list, G_LIST_MODEL (self->tasks), create_task_row, self,
                           NULL);
  gtk_list_box_bind_model (self->message_list, G_LIST_MODEL (self->messages), create_message_row,
                           self, NULL);
  gtk_widget_set_visible (self->messages_heading, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_list), FALSE);
}

void
xuncha_tasks_page_set_store_worker (XunchaTasksPage   *self,
                                    XunchaStoreWorker *worker)
{
  g_return_if_fail (XUNCHA_IS_TASKS_PAGE (self));
  g_return_if_fail (worker == NULL || XUNCHA_IS_STORE_WORKER (worker));

  if (!g_set_object (&self->worker, worker))
    return;
  xuncha_tasks_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_WORKER]);
}

void
xuncha_tasks_page_set_session (XunchaTasksPage     *self,
                               XunchaPatrolSession *session)
{
  g_return_if_fail (XUNCHA_IS_TASKS_PAGE (self));
  g_return_if_fail (session == NULL || XUNCHA_IS_PATROL_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
xuncha_tasks_page_refresh (XunchaTasksPage *self)
{
  g_autoptr(GTask) task = NULL;
  double *here;

  g_return_if_fail (XUNCHA_IS_TASKS_PAGE (self));

  if (self->worker == NULL)
    return;
  here = g_new (double, 2);
  get_here (self, &here[0], &here[1]);
  task = g_task_new (self, self->cancellable, on_list_loaded, NULL);
  g_task_set_source_tag (task, xuncha_tasks_page_refresh);
  g_task_set_task_data (task, here, g_free);
  busy_begin (self);
  xuncha_store_worker_run (self->worker, task, list_job);
}

void
xuncha_tasks_page_open_task (XunchaTasksPage *self,
                             const char      *id)
{
  g_autoptr(XunchaTaskItem) item = NULL;

  g_return_if_fail (XUNCHA_IS_TASKS_PAGE (self));
  g_return_if_fail (id != NULL);

  item = find_item (self, id);
  if (item == NULL)
    return;
  g_set_object (&self->current, item);
  show_status (self, "");
  show_current (self);
  gtk_stack_set_visible_child_name (self->stack, "task");
}

void
xuncha_tasks_page_add_report (XunchaTasksPage *self,
                              const char      *report_uuid)
{
  g_return_if_fail (XUNCHA_IS_TASKS_PAGE (self));
  g_return_if_fail (report_uuid != NULL);

  if (self->doing == NULL)
    return;
  g_ptr_array_add (self->doing_reports, g_strdup (report_uuid));
  if (self->current != NULL
      && g_strcmp0 (xuncha_task_item_get_task (self->current)->id, self->doing) == 0)
    {
      show_current (self);
      gtk_stack_set_visible_child_name (self->stack, "task");
    }
  /* A due re-inspection ends with its report: it leaves the inbox. */
  if (g_str_has_prefix (self->doing, XUNCHA_TASK_REINSPECTION_PREFIX))
    {
      g_clear_pointer (&self->doing, g_free);
      g_ptr_array_set_size (self->doing_reports, 0);
      gtk_stack_set_visible_child_name (self->stack, "list");
      g_clear_object (&self->current);
    }
  xuncha_tasks_page_refresh (self);
}

const char *
xuncha_tasks_page_get_doing (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);
  return self->doing;
}

guint
xuncha_tasks_page_get_n_tasks (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tasks));
}

guint
xuncha_tasks_page_get_n_unread (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->messages));
}

gboolean
xuncha_tasks_page_is_busy (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), FALSE);
  return self->busy > 0 || gtk_stack_get_transition_running (self->stack);
}

const char *
xuncha_tasks_page_get_view (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
xuncha_tasks_page_get_task_row (XunchaTasksPage *self,
                                guint            index)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->task_list, (int)index));
}

GtkWidget *
xuncha_tasks_page_get_message_row (XunchaTasksPage *self,
                                   guint            index)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->message_list, (int)index));
}

const char *
xuncha_tasks_page_get_text (XunchaTasksPage *self,
                            const char      *field)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);

  if (g_strcmp0 (field, "what") == 0)
    return adw_action_row_get_subtitle (self->what_row);
  if (g_strcmp0 (field, "where") == 0)
    return adw_action_row_get_subtitle (self->where_row);
  if (g_strcmp0 (field, "deadline") == 0)
    return adw_action_row_get_subtitle (self->deadline_row);
  if (g_strcmp0 (field, "status") == 0)
    return gtk_label_get_text (self->task_status);
  g_return_val_if_reached (NULL);
}

GtkWidget *
xuncha_tasks_page_get_photo (XunchaTasksPage *self,
                             guint            index)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);

  child = gtk_flow_box_get_child_at_index (self->photo_box, (int)index);
  return child != NULL ? gtk_flow_box_child_get_child (child) : NULL;
}

GtkPicture *
xuncha_tasks_page_get_full_photo (XunchaTasksPage *self)
{
  g_return_val_if_fail (XUNCHA_IS_TASKS_PAGE (self), NULL);
  return self->full_photo;
}
