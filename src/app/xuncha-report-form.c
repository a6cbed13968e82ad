/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "xuncha-photo-store.h"

#include "xuncha-report-form.h"
#include "xuncha-thumbnail.h"

typedef struct
{
  GBytes          *bytes;
  GFile           *file;
  XunchaPhotoRole  role;
  gint64           taken_ms;   /* a capture: when the shutter gave it */
} FormPhoto;

typedef struct
{
  char      *id;
  char      *type;       /* text, number, phone, choice */
  gboolean   required;
  char      *label;
  GtkWidget *row;        /* AdwEntryRow, or for a choice a row of toggle buttons */
  GStrv      choice_ids; /* for a choice: "" (nothing chosen), then the choices' ids */
  GPtrArray *choices;    /* for a choice: a GtkToggleButton per choice, in that order */
} FormField;

struct _XunchaReportForm
{
  GtkWidget            parent_instance;

  XunchaStore         *store;
  XunchaStreetMap     *street_map;
  XunchaCategory      *category;
  GPtrArray           *photos;        /* FormPhoto */
  GPtrArray           *fields;        /* FormField */
  GPtrArray           *street_ids;    /* char *, parallel to the street combo */
  GPtrArray           *street_offsets;/* double *, idem */
  GPtrArray           *merchant_ids;  /* char * (NULL for "none"), parallel to the combo */
  char                *parent_uuid;
  char                *editing;       /* uuid of the saved report shown, or NULL */
  GCancellable        *thumbnails;    /* previews being decoded */
  double               lat, lon, accuracy;
  XunchaPositionSource position_source;

  GtkBox              *photo_strip;
  GtkButton           *after_photo_button;
  GtkWidget           *place_button;
  GtkButton           *save_button;
  AdwActionRow        *category_row;
  AdwActionRow        *position_row;
  AdwComboRow         *street_row;
  AdwComboRow         *merchant_row;
  AdwPreferencesGroup *fields_group;
  AdwComboRow         *disposition_row;
  AdwEntryRow         *deadline_row;
  AdwEntryRow         *note_row;
};

G_DEFINE_FINAL_TYPE (XunchaReportForm, xuncha_report_form, GTK_TYPE_WIDGET)

enum {
  CHANGE_CATEGORY,
  PLACE_ON_MAP,
  ADD_AFTER_PHOTO,
  SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The disposition combo's items, in order. The first is what a report gets unless the
 * officer chooses: nothing, since a quick save must not claim what was not done. */
static const XunchaDisposition dispositions[] = {
  XUNCHA_DISPOSITION_NONE,
  XUNCHA_DISPOSITION_CORRECTED,
  XUNCHA_DISPOSITION_DEADLINE,
  XUNCHA_DISPOSITION_CASE,
};

#define MERCHANT_RADIUS_M 60
#define MERCHANT_LIMIT    6
#define DEFAULT_DEADLINE_DAYS 3

static void
form_photo_free (FormPhoto *photo)
{
  g_clear_pointer (&photo->bytes, g_bytes_unref);
  g_clear_object (&photo->file);
  g_free (photo);
}

static void
form_field_free (FormField *field)
{
  g_free (field->id);
  g_free (field->type);
  g_free (field->label);
  g_strfreev (field->choice_ids);
  g_clear_pointer (&field->choices, g_ptr_array_unref);
  g_free (field);
}


static const char *
json_string (JsonObject *object,
             const char *member)
{
  return json_object_has_member (object, member)
         ? json_object_get_string_member_with_default (object, member, NULL) : NULL;
}

static const char *
localized (JsonObject *object)
{
  const char *zh = json_string (object, "zh");
  const char *en = json_string (object, "en");

  return xuncha_locale_prefers_chinese () && zh != NULL ? zh : (en != NULL ? en : zh);
}

/* The index into choice_ids of what is chosen: 0 for nothing. */
static guint
field_get_choice (FormField *field)
{
  for (guint c = 0; c < field->choices->len; c++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (field->choices, c)))
      return c + 1;
  return 0;
}

static void
field_set_choice (FormField *field,
                  guint      index)
{
  for (guint c = 0; c < field->choices->len; c++)
    gtk_toggle_button_set_active (g_ptr_array_index (field->choices, c), c + 1 == index);
}

/* One choice at a time; tapping the chosen one again takes it back. */
static void
on_choice_toggled (GtkToggleButton *button,
                   FormField       *field)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  for (guint c = 0; c < field->choices->len; c++)
    if (g_ptr_array_index (field->choices, c) != button)
      gtk_toggle_button_set_active (g_ptr_array_index (field->choices, c), FALSE);
}

/* A choice as buttons, one tap each, instead of a list to open: the choices of a category
 * are few, and a small ad's carrier is asked every time. */
static GtkWidget *
make_choice_row (FormField *field,
                 JsonArray *choices)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (field->label);
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, field->required ? "heading" : "dim-label");
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 5);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  field->choices = g_ptr_array_new ();
  for (guint c = 0; c < json_array_get_length (choices); c++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (
        localized (json_array_get_object_element (choices, c)));

      gtk_widget_add_css_class (button, "choice-button");
      g_signal_connect (button, "toggled", G_CALLBACK (on_choice_toggled), field);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
      g_ptr_array_add (field->choices, button);
    }
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), flow);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field->label);
  return row;
}

/* One row per extra field of the category (the phone number on a small ad, a plate...). */
static void
rebuild_fields (XunchaReportForm *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  for (guint i = 0; i < self->fields->len; i++)
    adw_preferences_group_remove (self->fields_group,
                                  ((FormField *)g_ptr_array_index (self->fields, i))->row);
  g_ptr_array_set_size (self->fields, 0);

  if (self->category == NULL
      || !json_parser_load_from_data (parser, xuncha_category_get_fields_json (self->category),
                                      -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->fields_group), FALSE);
      return;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *spec = json_array_get_object_element (array, i);
      FormField *field = g_new0 (FormField, 1);

      field->id = g_strdup (json_string (spec, "id"));
      field->type = g_strdup (json_string (spec, "type"));
      field->required = json_object_get_boolean_member_with_default (spec, "required", FALSE);
      field->label = g_strdup (localized (spec));

      if (g_strcmp0 (field->type, "choice") == 0)
        {
          JsonArray *choices = json_object_get_array_member (spec, "choices");
          g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

          /* Nothing chosen at first, so a required field is a real choice. */
          g_strv_builder_add (ids, "");
          for (guint c = 0; c < json_array_get_length (choices); c++)
            g_strv_builder_add (ids, json_string (json_array_get_object_element (choices, c),
                                                  "id"));
          field->choice_ids = g_strv_builder_end (ids);
          field->row = make_choice_row (field, choices);
        }
      else
        {
          field->row = adw_entry_row_new ();
          if (g_strcmp0 (field->type, "number") == 0)
            adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (field->row), GTK_INPUT_PURPOSE_NUMBER);
          else if (g_strcmp0 (field->type, "phone") == 0)
            adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (field->row), GTK_INPUT_PURPOSE_PHONE);
        }
      if (field->choice_ids == NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), field->label);
      adw_preferences_group_add (self->fields_group, field->row);
      g_ptr_array_add (self->fields, field);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group), self->fields->len > 0);
}

static void
update_position_row (XunchaReportForm *self)
{
  g_autofree char *subtitle = NULL;

  switch (self->position_source)
    {
    case XUNCHA_POSITION_SOURCE_GPS:
      subtitle = g_strdup_printf (_("From the location service, ±%.0f m"), self->accuracy);
      break;
    case XUNCHA_POSITION_SOURCE_MANUAL:
      subtitle = g_strdup (_("Placed on the map"));
      break;
    case XUNCHA_POSITION_SOURCE_EXIF:
      subtitle = g_strdup (_("From the photo"));
      break;
    case XUNCHA_POSITION_SOURCE_TRACK:
      subtitle = g_strdup (_("From the recorded track"));
      break;
    case XUNCHA_POSITION_SOURCE_NONE:
    default:
      subtitle = g_strdup (_("Not placed yet: place it on the map"));
      break;
    }
  adw_action_row_set_subtitle (self->position_row, subtitle);
}

static void
update_streets (XunchaReportForm *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  XunchaStreetSnap snaps[XUNCHA_STREET_MAP_MAX_SNAPS];
  guint n = 0;

  g_ptr_array_set_size (self->street_ids, 0);
  g_ptr_array_set_size (self->street_offsets, 0);

  if (self->street_map != NULL && self->position_source != XUNCHA_POSITION_SOURCE_NONE)
    n = xuncha_street_map_snap (self->street_map, self->lat, self->lon, self->accuracy, snaps,
                                G_N_ELEMENTS (snaps));
  for (guint i = 0; i < n; i++)
    {
      const char *name = xuncha_street_segment_get_name (snaps[i].segment);
      g_autofree char *label =
        g_strdup_printf (_("%s · %.0f m · %s"),
                         name != NULL ? name : xuncha_street_segment_get_id (snaps[i].segment),
                         snaps[i].distance_m,
                         snaps[i].side == XUNCHA_STREET_SIDE_LEFT ? _("left side")
                         : snaps[i].side == XUNCHA_STREET_SIDE_RIGHT ? _("right side")
                         : _("on the centre line"));
      double *offset = g_new (double, 1);

      *offset = snaps[i].offset_m;
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->street_ids, g_strdup (xuncha_street_segment_get_id (snaps[i].segment)));
      g_ptr_array_add (self->street_offsets, offset);
    }
  /* Always a way to say "none of these", and the only item when nothing is near. */
  gtk_string_list_append (names, n > 0 ? _("None of these") : _("No street segment near"));
  adw_combo_row_set_model (self->street_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->street_row, 0);
}

static void
update_merchants (XunchaReportForm *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) near = NULL;

  g_ptr_array_set_size (self->merchant_ids, 0);
  gtk_string_list_append (names, _("No merchant"));
  g_ptr_array_add (self->merchant_ids, NULL);

  if (self->store != NULL && self->position_source != XUNCHA_POSITION_SOURCE_NONE)
    near = xuncha_merchant_find_near (self->store, self->lat, self->lon, MERCHANT_RADIUS_M,
                                      MERCHANT_LIMIT, g_get_real_time () / 1000, NULL);
  for (guint i = 0; near != NULL && i < near->len; i++)
    {
      XunchaMerchant *merchant = g_ptr_array_index (near, i);
      g_autofree char *label = NULL;

      /* Repeat offenders must be seen on the spot: the count comes first. */
      if (merchant->recent_reports > 0)
        label = g_strdup_printf (ngettext ("%s · %.0f m · %u report in 30 days",
                                           "%s · %.0f m · %u reports in 30 days",
                                           merchant->recent_reports),
                                 merchant->name, merchant->distance_m, merchant->recent_reports);
      else
        label = g_strdup_printf (_("%s · %.0f m"), merchant->name, merchant->distance_m);
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->merchant_ids, g_strdup (merchant->id));
    }
  adw_combo_row_set_model (self->merchant_row, G_LIST_MODEL (names));
  /* The nearest shop within a few metres is almost always the one. */
  adw_combo_row_set_selected (self->merchant_row,
                              near != NULL && near->len > 0
                              && ((XunchaMerchant *)g_ptr_array_index (near, 0))->distance_m < 15
                              ? 1 : 0);
}

/* Shown 88 pixels square, decoded for screens of two pixels a point. */
#define THUMBNAIL_SIZE 88

/* A place in the photo strip, in order; the photo shows once decoded (xuncha-thumbnail.c). */
static GtkPicture *
add_thumbnail (XunchaReportForm *self)
{
  GtkWidget *picture = gtk_picture_new ();

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (picture, "photo-thumbnail");
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Photo"), -1);
  gtk_box_insert_child_after (self->photo_strip, picture,
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->after_photo_button)));
  return GTK_PICTURE (picture);
}

static void
on_disposition_changed (XunchaReportForm *self)
{
  guint selected = adw_combo_row_get_selected (self->disposition_row);
  XunchaDisposition disposition = selected < G_N_ELEMENTS (dispositions)
                                  ? dispositions[selected] : XUNCHA_DISPOSITION_NONE;

  gtk_widget_set_visible (GTK_WIDGET (self->deadline_row),
                          disposition == XUNCHA_DISPOSITION_DEADLINE);
  /* Corrected on the spot: the after-photo is the proof. */
  gtk_widget_set_visible (GTK_WIDGET (self->after_photo_button),
                          disposition == XUNCHA_DISPOSITION_CORRECTED);
}

static void
on_category_activated (XunchaReportForm *self)
{
  g_signal_emit (self, signals[CHANGE_CATEGORY], 0);
}

static void
on_place_clicked (XunchaReportForm *self)
{
  g_signal_emit (self, signals[PLACE_ON_MAP], 0);
}

static void
on_after_photo_clicked (XunchaReportForm *self)
{
  g_signal_emit (self, signals[ADD_AFTER_PHOTO], 0);
}

static void
on_save_clicked (XunchaReportForm *self)
{
  g_signal_emit (self, signals[SAVE], 0);
}

static void
xuncha_report_form_dispose (GObject *object)
{
  XunchaReportForm *self = (XunchaReportForm *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->thumbnails);
  g_clear_object (&self->thumbnails);
  gtk_widget_dispose_template (GTK_WIDGET (self), XUNCHA_TYPE_REPORT_FORM);
  /* The template's root is not a bound child, so it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->street_map);
  g_clear_object (&self->category);
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->street_ids, g_ptr_array_unref);
  g_clear_pointer (&self->street_offsets, g_ptr_array_unref);
  g_clear_pointer (&self->merchant_ids, g_ptr_array_unref);
  g_clear_pointer (&self->parent_uuid, g_free);
  g_clear_pointer (&self->editing, g_free);

  G_OBJECT_CLASS (xuncha_report_form_parent_class)->dispose (object);
}

static void
xuncha_report_form_class_init (XunchaReportFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xuncha_report_form_dispose;

  signals[CHANGE_CATEGORY] = g_signal_new ("change-category", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[PLACE_ON_MAP] = g_signal_new ("place-on-map", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ADD_AFTER_PHOTO] = g_signal_new ("add-after-photo", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[SAVE] = g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xuncha/Xuncha/xuncha-report-form.ui");
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, photo_strip);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, after_photo_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, place_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, save_button);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, category_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, position_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, street_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, merchant_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, fields_group);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, disposition_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, XunchaReportForm, note_row);
  gtk_widget_class_bind_template_callback (widget_class, on_disposition_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_category_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_place_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_after_photo_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
}

static void
xuncha_report_form_init (XunchaReportForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnails = g_cancellable_new ();
  self->photos = g_ptr_array_new_with_free_func ((GDestroyNotify)form_photo_free);
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify)form_field_free);
  self->street_ids = g_ptr_array_new_with_free_func (g_free);
  self->street_offsets = g_ptr_array_new_with_free_func (g_free);
  self->merchant_ids = g_ptr_array_new_with_free_func (g_free);
  xuncha_report_form_reset (self);
}

XunchaReportForm *
xuncha_report_form_new (void)
{
  return g_object_new (XUNCHA_TYPE_REPORT_FORM, NULL);
}

void
xuncha_report_form_set_context (XunchaReportForm *self,
                                XunchaStore      *store,
                                XunchaStreetMap  *map)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  g_set_object (&self->store, store);
  g_set_object (&self->street_map, map);
  update_streets (self);
  update_merchants (self);
}

void
xuncha_report_form_set_category (XunchaReportForm *self,
                                 XunchaCategory   *category)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  if (!g_set_object (&self->category, category))
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->category_row),
                                 category != NULL ? xuncha_category_get_name (category)
                                                  : _("Choose a category"));
  adw_action_row_set_subtitle (self->category_row,
                               category != NULL ? xuncha_category_get_code (category) : "");
  rebuild_fields (self);
}

XunchaCategory *
xuncha_report_form_get_category (XunchaReportForm *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), NULL);
  return self->category;
}

void
xuncha_report_form_set_position (XunchaReportForm     *self,
                                 double                lat,
                                 double                lon,
                                 double                accuracy,
                                 XunchaPositionSource  source)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  self->lat = lat;
  self->lon = lon;
  self->accuracy = accuracy;
  self->position_source = source;
  update_position_row (self);
  update_streets (self);
  update_merchants (self);
}

gboolean
xuncha_report_form_get_position (XunchaReportForm *self,
                                 double           *lat,
                                 double           *lon)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), FALSE);

  if (self->position_source == XUNCHA_POSITION_SOURCE_NONE)
    return FALSE;
  *lat = self->lat;
  *lon = self->lon;
  return TRUE;
}

void
xuncha_report_form_add_photo_bytes (XunchaReportForm *self,
                                    GBytes           *jpeg,
                                    XunchaPhotoRole   role)
{
  FormPhoto *photo;

  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));
  g_return_if_fail (jpeg != NULL);

  photo = g_new0 (FormPhoto, 1);
  photo->bytes = g_bytes_ref (jpeg);
  photo->role = role;
  /* A capture arrives as it is taken, and its JPEG says no time of its own. */
  photo->taken_ms = g_get_real_time () / 1000;
  g_ptr_array_add (self->photos, photo);

  xuncha_thumbnail_load_bytes (add_thumbnail (self), jpeg, 2 * THUMBNAIL_SIZE,
                               self->thumbnails);
}

void
xuncha_report_form_add_photo_file (XunchaReportForm *self,
                                   GFile            *file,
                                   XunchaPhotoRole   role)
{
  FormPhoto *photo;

  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));
  g_return_if_fail (G_IS_FILE (file));

  photo = g_new0 (FormPhoto, 1);
  photo->file = g_object_ref (file);
  photo->role = role;
  g_ptr_array_add (self->photos, photo);

  xuncha_thumbnail_load_file (add_thumbnail (self), file, 2 * THUMBNAIL_SIZE,
                              self->thumbnails);
}

guint
xuncha_report_form_get_n_photos (XunchaReportForm *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), 0);
  return self->photos->len;
}

void
xuncha_report_form_set_parent (XunchaReportForm *self,
                               const char       *parent_uuid)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  g_free (self->parent_uuid);
  self->parent_uuid = g_strdup (parent_uuid);
}

guint
xuncha_report_form_get_n_streets (XunchaReportForm *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), 0);
  return self->street_ids->len;
}

void
xuncha_report_form_select_street (XunchaReportForm *self,
                                  guint             index)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));
  adw_combo_row_set_selected (self->street_row, index);
}

/* Brings @row wholly into its scrolled page, with a little room around it; FALSE while the
 * page is not laid out yet. */
static gboolean
scroll_into_view (GtkWidget *row)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *adjustment;
  double x, y, value, page;
  int height;

  if (scroller == NULL)
    return TRUE;
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  /* A viewport's child is placed at minus the scrolled value. */
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  page = gtk_adjustment_get_page_size (adjustment);
  height = gtk_widget_get_height (row);
  if (content == NULL || height <= 0 || page <= 0
      || !gtk_widget_translate_coordinates (row, content, 0, 0, &x, &y))
    return FALSE;
  value = gtk_adjustment_get_value (adjustment);
  if (y - 12 < value)
    gtk_adjustment_set_value (adjustment, MAX (y - 12, 0));
  else if (y + height + 12 > value + page)
    gtk_adjustment_set_value (adjustment, y + height + 12 - page);
  return TRUE;
}

static gboolean
scroll_on_tick (GtkWidget     *row,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames_left = user_data;

  if (scroll_into_view (row) || --(*frames_left) == 0)
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

void
xuncha_report_form_focus_missing (XunchaReportForm *self)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  for (guint i = 0; i < self->fields->len; i++)
    {
      FormField *field = g_ptr_array_index (self->fields, i);

      if (field->required && field->choice_ids == NULL
          && *gtk_editable_get_text (GTK_EDITABLE (field->row)) == '\0')
        {
          gtk_widget_grab_focus (field->row);
          /* The officer must see what is typed: the page was only just laid out (the form
           * slides in), so the row is brought into view once it has its place. */
          gtk_widget_add_tick_callback (field->row, scroll_on_tick, g_memdup2 (&(guint){ 60 },
                                                                            sizeof (guint)),
                                        g_free);
          return;
        }
    }
}

void
xuncha_report_form_set_field (XunchaReportForm *self,
                              const char       *field_id,
                              const char       *value)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  for (guint i = 0; i < self->fields->len; i++)
    {
      FormField *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field->id, field_id) != 0)
        continue;
      if (field->choice_ids != NULL)
        {
          for (guint c = 0; field->choice_ids[c] != NULL; c++)
            if (g_strcmp0 (field->choice_ids[c], value) == 0)
              field_set_choice (field, c);
        }
      else
        gtk_editable_set_text (GTK_EDITABLE (field->row), value);
    }
}

void
xuncha_report_form_set_disposition (XunchaReportForm  *self,
                                    XunchaDisposition  disposition)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  for (guint i = 0; i < G_N_ELEMENTS (dispositions); i++)
    if (dispositions[i] == disposition)
      adw_combo_row_set_selected (self->disposition_row, i);
}

void
xuncha_report_form_set_note (XunchaReportForm *self,
                             const char       *note)
{
  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), note != NULL ? note : "");
}

static gboolean
fields_to_json (XunchaReportForm  *self,
                char             **json,
                GError           **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; i < self->fields->len; i++)
    {
      FormField *field = g_ptr_array_index (self->fields, i);
      const char *value;

      if (field->choice_ids != NULL)
        value = field->choice_ids[field_get_choice (field)];
      else
        value = gtk_editable_get_text (GTK_EDITABLE (field->row));

      if (value == NULL || *value == '\0')
        {
          if (field->required)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("“%s” is needed for this category."), field->label);
              return FALSE;
            }
          continue;
        }
      json_builder_set_member_name (builder, field->id);
      if (g_strcmp0 (field->type, "number") == 0)
        {
          char *end = NULL;
          double number = g_ascii_strtod (value, &end);

          if (end == value || *end != '\0' || !isfinite (number))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("“%s” must be a number."), field->label);
              return FALSE;
            }
          json_builder_add_double_value (builder, number);
        }
      else
        json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  *json = json_to_string (root, FALSE);
  return TRUE;
}

/* What the officer chose, onto @report: the same for a new report and an edit. */
static void
apply_details (XunchaReportForm *self,
               XunchaReport     *report,
               const char       *fields)
{
  guint street, merchant, disposition;
  const char *note;

  xuncha_report_set_category (report, xuncha_category_get_code (self->category));
  xuncha_report_set_fields_json (report, fields);
  note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  xuncha_report_set_note (report, *note != '\0' ? note : NULL);

  street = adw_combo_row_get_selected (self->street_row);
  if (street < self->street_ids->len)
    xuncha_report_set_street (report, g_ptr_array_index (self->street_ids, street),
                              *(double *)g_ptr_array_index (self->street_offsets, street));
  else
    xuncha_report_set_street (report, NULL, NAN);
  merchant = adw_combo_row_get_selected (self->merchant_row);
  xuncha_report_set_merchant_id (report, merchant < self->merchant_ids->len
                                         ? g_ptr_array_index (self->merchant_ids, merchant)
                                         : NULL);

  disposition = adw_combo_row_get_selected (self->disposition_row);
  xuncha_report_set_disposition (report, disposition < G_N_ELEMENTS (dispositions)
                                         ? dispositions[disposition]
                                         : XUNCHA_DISPOSITION_NONE);
  xuncha_report_set_deadline (report,
                              disposition < G_N_ELEMENTS (dispositions)
                              && dispositions[disposition] == XUNCHA_DISPOSITION_DEADLINE
                              ? gtk_editable_get_text (GTK_EDITABLE (self->deadline_row))
                              : NULL);

  for (guint i = 0; i < self->photos->len; i++)
    {
      FormPhoto *photo = g_ptr_array_index (self->photos, i);
      g_autofree char *name = g_strdup_printf (_("photo %u"), i + 1);

      if (photo->bytes != NULL)
        {
          xuncha_report_add_photo_bytes (report, photo->bytes, name, photo->role);
          xuncha_report_set_photo_taken_ms (report, xuncha_report_get_n_photos (report) - 1,
                                            photo->taken_ms);
        }
      else
        {
          g_autofree char *path = g_file_get_path (photo->file);
          xuncha_report_add_photo_file (report, path, photo->role);
        }
    }
}

XunchaReport *
xuncha_report_form_build (XunchaReportForm  *self,
                          const char        *shift_uuid,
                          GError           **error)
{
  g_autoptr(XunchaReport) report = NULL;
  g_autofree char *fields = NULL;

  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), NULL);

  if (self->category == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Choose a category first."));
      return NULL;
    }
  if (self->photos->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Take or choose a photo of the violation first."));
      return NULL;
    }
  if (!fields_to_json (self, &fields, error))
    return NULL;

  report = xuncha_report_new (xuncha_category_get_code (self->category));
  xuncha_report_set_shift_uuid (report, shift_uuid);
  xuncha_report_set_parent_uuid (report, self->parent_uuid);

  /* Without a position here, the core places the report from the photos' GPS or the
   * track, or refuses with a message saying how to place it. */
  if (self->position_source != XUNCHA_POSITION_SOURCE_NONE)
    xuncha_report_set_position (report, self->lat, self->lon, self->accuracy, NAN, NAN,
                                self->position_source);
  apply_details (self, report, fields);
  return g_steal_pointer (&report);
}

/* Shows @id among the street choices and selects it; a segment that is no longer among the
 * nearest (the map changed) is added to them, so an edit never drops it silently. */
static void
select_street (XunchaReportForm *self,
               const char       *id,
               double            offset_m)
{
  GtkStringList *names = GTK_STRING_LIST (adw_combo_row_get_model (self->street_row));
  XunchaStreetSegment *segment;
  const char *label;
  double *offset;

  if (id == NULL)
    {
      adw_combo_row_set_selected (self->street_row, self->street_ids->len);
      return;
    }
  for (guint i = 0; i < self->street_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->street_ids, i), id))
      {
        adw_combo_row_set_selected (self->street_row, i);
        return;
      }
  segment = self->street_map != NULL ? xuncha_street_map_lookup (self->street_map, id) : NULL;
  label = segment != NULL && xuncha_street_segment_get_name (segment) != NULL
          ? xuncha_street_segment_get_name (segment) : id;
  offset = g_new (double, 1);
  *offset = offset_m;
  g_ptr_array_insert (self->street_ids, 0, g_strdup (id));
  g_ptr_array_insert (self->street_offsets, 0, offset);
  gtk_string_list_splice (names, 0, 0, (const char * const[]) { label, NULL });
  adw_combo_row_set_selected (self->street_row, 0);
}

static void
select_merchant (XunchaReportForm *self,
                 const char       *id)
{
  GtkStringList *names = GTK_STRING_LIST (adw_combo_row_get_model (self->merchant_row));

  for (guint i = 0; i < self->merchant_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->merchant_ids, i), id) == 0)
      {
        adw_combo_row_set_selected (self->merchant_row, i);
        return;
      }
  g_ptr_array_add (self->merchant_ids, g_strdup (id));
  gtk_string_list_append (names, id);
  adw_combo_row_set_selected (self->merchant_row, self->merchant_ids->len - 1);
}

static void
fill_fields (XunchaReportForm *self,
             const char       *fields_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!json_parser_load_from_data (parser, fields_json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);
      g_autofree char *text = NULL;

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE
               || json_node_get_value_type (node) == G_TYPE_INT64)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];
          text = g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
        }
      if (text != NULL)
        xuncha_report_form_set_field (self, l->data, text);
    }
}

void
xuncha_report_form_edit (XunchaReportForm *self,
                         XunchaReport     *saved,
                         XunchaCategory   *category)
{
  g_autoptr(XunchaReportStore) reports = NULL;

  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));
  g_return_if_fail (XUNCHA_IS_REPORT (saved));

  xuncha_report_form_reset (self);
  self->editing = g_strdup (xuncha_report_get_uuid (saved));
  xuncha_report_form_set_category (self, category);
  fill_fields (self, xuncha_report_get_fields_json (saved));
  if (xuncha_report_has_position (saved))
    xuncha_report_form_set_position (self, xuncha_report_get_lat (saved),
                                     xuncha_report_get_lon (saved),
                                     xuncha_report_get_accuracy (saved),
                                     xuncha_report_get_position_source (saved));
  /* The place is part of the record the officer saved; only the details change. */
  gtk_widget_set_sensitive (self->place_button, FALSE);
  select_street (self, xuncha_report_get_street_id (saved),
                 xuncha_report_get_street_offset_m (saved));
  if (xuncha_report_get_merchant_id (saved) != NULL)
    select_merchant (self, xuncha_report_get_merchant_id (saved));
  else
    adw_combo_row_set_selected (self->merchant_row, 0);
  xuncha_report_form_set_disposition (self, xuncha_report_get_disposition (saved));
  if (xuncha_report_get_deadline (saved) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->deadline_row), xuncha_report_get_deadline (saved));
  xuncha_report_form_set_note (self, xuncha_report_get_note (saved));
  gtk_button_set_label (self->save_button, _("Save Changes"));

  /* The stored photos, as thumbnails; they stay as they are. */
  if (self->store != NULL)
    reports = xuncha_report_store_new (self->store, NULL);
  for (guint i = 0; reports != NULL && i < xuncha_report_get_n_photos (saved); i++)
    if (xuncha_report_get_photo_sha256 (saved, i) != NULL)
      xuncha_thumbnail_load_stored (add_thumbnail (self),
                                    xuncha_report_store_get_photo_store (reports),
                                    xuncha_report_get_photo_sha256 (saved, i),
                                    2 * THUMBNAIL_SIZE, self->thumbnails);
}

const char *
xuncha_report_form_get_editing (XunchaReportForm *self)
{
  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), NULL);
  return self->editing;
}

XunchaReport *
xuncha_report_form_build_edit (XunchaReportForm  *self,
                               GError           **error)
{
  g_autoptr(XunchaReportStore) reports = NULL;
  g_autoptr(XunchaReport) report = NULL;
  g_autofree char *fields = NULL;

  g_return_val_if_fail (XUNCHA_IS_REPORT_FORM (self), NULL);
  g_return_val_if_fail (self->editing != NULL, NULL);

  if (self->category == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Choose a category first."));
      return NULL;
    }
  if (!fields_to_json (self, &fields, error))
    return NULL;
  /* Read again, so a draft saved twice (after a failure) never adds its photos twice. */
  reports = xuncha_report_store_new (self->store, error);
  if (reports == NULL)
    return NULL;
  report = xuncha_report_store_get (reports, self->editing, error);
  if (report == NULL)
    return NULL;
  apply_details (self, report, fields);
  return g_steal_pointer (&report);
}

void
xuncha_report_form_reset (XunchaReportForm *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) deadline = g_date_time_add_days (now, DEFAULT_DEADLINE_DAYS);
  g_autofree char *deadline_text = g_date_time_format (deadline, "%Y-%m-%d");
  GtkWidget *child;

  g_return_if_fail (XUNCHA_IS_REPORT_FORM (self));

  g_ptr_array_set_size (self->photos, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_strip)))
         != GTK_WIDGET (self->after_photo_button))
    gtk_box_remove (self->photo_strip, child);
  g_clear_pointer (&self->parent_uuid, g_free);
  g_clear_pointer (&self->editing, g_free);
  gtk_widget_set_sensitive (self->place_button, TRUE);
  gtk_button_set_label (self->save_button, _("Save Report"));
  self->position_source = XUNCHA_POSITION_SOURCE_NONE;
  self->accuracy = NAN;
  xuncha_report_form_set_category (self, NULL);
  rebuild_fields (self);
  update_position_row (self);
  update_streets (self);
  update_merchants (self);
  adw_combo_row_set_selected (self->disposition_row, 0);
  on_disposition_changed (self);
  gtk_editable_set_text (GTK_EDITABLE (self->deadline_row), deadline_text);
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
}
