/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-camera"

#include "config.h"

#include <string.h>
#include <zbar.h>

#include "xuncha-qr-scanner.h"

/* A frame every quarter second is enough to find a card held still, and leaves the
 * phone's two slow cores to the preview. */
#define SCAN_INTERVAL_US (G_USEC_PER_SEC / 4)
#define FRAME_MAX_EDGE   4096
#define CODES_MAX        8
#define CODE_MAX_BYTES   4096

enum {
  DECODED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _XunchaQrScanner
{
  GObject       parent_instance;

  XunchaCamera *camera;
  gboolean      running;
  gboolean      decoding;       /* a frame is on its thread */
  gint64        last_frame;     /* monotonic time of the last frame sent there */
  char         *last_text;      /* told already; forgotten when no code is in view */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (XunchaQrScanner, xuncha_qr_scanner, G_TYPE_OBJECT)

typedef struct
{
  guint8 *pixels;   /* Cairo's ARGB32, as gdk_texture_download() gives it */
  guint   width;
  guint   height;
} Frame;

static void
frame_free (Frame *frame)
{
  g_free (frame->pixels);
  g_free (frame);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Frame *frame = task_data;
  g_autofree guint8 *gray = g_malloc ((gsize)frame->width * frame->height);
  const guint32 *pixel = (const guint32 *)(gpointer)frame->pixels;

  /* ARGB32 is one native 32-bit word a pixel, so this reads the same on either byte
   * order. Premultiplied alpha changes nothing: the camera's frames are opaque. */
  for (gsize i = 0; i < (gsize)frame->width * frame->height; i++)
    {
      guint32 p = pixel[i];

      gray[i] = (guint8)((((p >> 16) & 0xff) * 77 + ((p >> 8) & 0xff) * 150
                          + (p & 0xff) * 29) >> 8);
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, xuncha_qr_scanner_decode_gray (gray, frame->width,
                                                              frame->height),
                         (GDestroyNotify)g_strfreev);
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  XunchaQrScanner *self = XUNCHA_QR_SCANNER (source);
  g_auto(GStrv) texts = g_task_propagate_pointer (G_TASK (result), NULL);

  self->decoding = FALSE;
  if (texts == NULL || !self->running)
    return;
  if (texts[0] == NULL)
    {
      g_clear_pointer (&self->last_text, g_free);
      return;
    }
  for (guint i = 0; texts[i] != NULL; i++)
    {
      /* A code held in view is told once, not four times a second. */
      if (g_strcmp0 (texts[i], self->last_text) == 0)
        continue;
      g_free (self->last_text);
      self->last_text = g_strdup (texts[i]);
      g_signal_emit (self, signals[DECODED], 0, texts[i]);
      if (!self->running)
        return;
    }
}

static void
on_frame (GdkPaintable    *paintable,
          XunchaQrScanner *self)
{
  g_autoptr(GdkPaintable) image = NULL;
  g_autoptr(GTask) task = NULL;
  GdkTexture *texture;
  Frame *frame;
  gint64 now = g_get_monotonic_time ();

  if (!self->running || self->decoding || now - self->last_frame < SCAN_INTERVAL_US)
    return;
  image = gdk_paintable_get_current_image (paintable);
  if (!GDK_IS_TEXTURE (image))
    return;
  texture = GDK_TEXTURE (image);
  if (gdk_texture_get_width (texture) <= 0 || gdk_texture_get_height (texture) <= 0
      || gdk_texture_get_width (texture) > FRAME_MAX_EDGE
      || gdk_texture_get_height (texture) > FRAME_MAX_EDGE)
    return;

  frame = g_new0 (Frame, 1);
  frame->width = (guint)gdk_texture_get_width (texture);
  frame->height = (guint)gdk_texture_get_height (texture);
  frame->pixels = g_malloc ((gsize)frame->width * frame->height * 4);
  gdk_texture_download (texture, frame->pixels, (gsize)frame->width * 4);
  self->decoding = TRUE;
  self->last_frame = now;
  task = g_task_new (self, self->cancellable, on_decoded, NULL);
  g_task_set_source_tag (task, on_frame);
  g_task_set_task_data (task, frame, (GDestroyNotify)frame_free);
  g_task_run_in_thread (task, decode_thread);
}

static void
xuncha_qr_scanner_dispose (GObject *object)
{
  XunchaQrScanner *self = (XunchaQrScanner *)object;

  xuncha_qr_scanner_stop (self);
  g_clear_object (&self->camera);

  G_OBJECT_CLASS (xuncha_qr_scanner_parent_class)->dispose (object);
}

static void
xuncha_qr_scanner_finalize (GObject *object)
{
  XunchaQrScanner *self = (XunchaQrScanner *)object;

  g_clear_object (&self->cancellable);
  g_free (self->last_text);

  G_OBJECT_CLASS (xuncha_qr_scanner_parent_class)->finalize (object);
}

static void
xuncha_qr_scanner_class_init (XunchaQrScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xuncha_qr_scanner_dispose;
  object_class->finalize = xuncha_qr_scanner_finalize;

  signals[DECODED] = g_signal_new ("decoded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
xuncha_qr_scanner_init (XunchaQrScanner *self)
{
}

XunchaQrScanner *
xuncha_qr_scanner_new (XunchaCamera *camera)
{
  XunchaQrScanner *self;

  g_return_val_if_fail (XUNCHA_IS_CAMERA (camera), NULL);

  self = g_object_new (XUNCHA_TYPE_QR_SCANNER, NULL);
  self->camera = g_object_ref (camera);
  return self;
}

XunchaCamera *
xuncha_qr_scanner_get_camera (XunchaQrScanner *self)
{
  g_return_val_if_fail (XUNCHA_IS_QR_SCANNER (self), NULL);

  return self->camera;
}

void
xuncha_qr_scanner_start (XunchaQrScanner *self)
{
  g_return_if_fail (XUNCHA_IS_QR_SCANNER (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (xuncha_camera_get_paintable (self->camera), "invalidate-contents",
                           G_CALLBACK (on_frame), self, 0);
  xuncha_camera_start (self->camera);
}

void
xuncha_qr_scanner_stop (XunchaQrScanner *self)
{
  g_return_if_fail (XUNCHA_IS_QR_SCANNER (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_signal_handlers_disconnect_by_func (xuncha_camera_get_paintable (self->camera), on_frame,
                                        self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_text, g_free);
  xuncha_camera_stop (self->camera);
}

GStrv
xuncha_qr_scanner_decode_gray (const guint8 *gray,
                               guint         width,
                               guint         height)
{
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint found = 0;

  g_return_val_if_fail (gray != NULL, NULL);
  g_return_val_if_fail (width > 0 && width <= FRAME_MAX_EDGE, NULL);
  g_return_val_if_fail (height > 0 && height <= FRAME_MAX_EDGE, NULL);

  scanner = zbar_image_scanner_create ();
  /* QR codes only: a bar code on a product in view is no enrollment. */
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, gray, (unsigned long)width * height, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image);
         symbol != NULL && found < CODES_MAX; symbol = zbar_symbol_next (symbol))
      {
        const char *data = zbar_symbol_get_data (symbol);
        unsigned int length = zbar_symbol_get_data_length (symbol);

        if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE || data == NULL
            || length > CODE_MAX_BYTES || memchr (data, '\0', length) != NULL)
          continue;
        {
          g_autofree char *text = g_strndup (data, length);

          g_strv_builder_add (texts, text);
        }
        found++;
      }
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return g_strv_builder_end (texts);
}
