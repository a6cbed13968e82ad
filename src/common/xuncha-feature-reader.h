/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define XUNCHA_FEATURE_READER_ERROR (xuncha_feature_reader_error_quark ())

typedef enum
{
  XUNCHA_FEATURE_READER_ERROR_IO,            /* the stream cannot be read */
  XUNCHA_FEATURE_READER_ERROR_EMPTY,         /* nothing but white space */
  XUNCHA_FEATURE_READER_ERROR_INVALID_JSON,  /* "line L, position P: what" */
  XUNCHA_FEATURE_READER_ERROR_NOT_UTF8,      /* "line L, position P (byte 0xNN) is not UTF-8" */
  XUNCHA_FEATURE_READER_ERROR_WRONG_TYPE,    /* see xuncha_feature_reader_describe_root() */
  XUNCHA_FEATURE_READER_ERROR_NO_FEATURES,   /* a FeatureCollection without a features list */
} XunchaFeatureReaderError;

#define XUNCHA_TYPE_FEATURE_READER (xuncha_feature_reader_get_type ())

/* Reads the features of a GeoJSON FeatureCollection one at a time, so a street layer of
 * any size is read in the memory of its largest feature: the stream is read in chunks, a
 * scanner finds where each feature (and each other member of the collection) starts and
 * ends, and only those bytes go to json-glib, through xuncha_json_check() like every
 * JSON from outside. The whole document is checked: syntax, UTF-8, nesting deeper
 * than XUNCHA_JSON_MAX_DEPTH (without recursing), a member of the collection given twice;
 * an error names the line and position. */
G_DECLARE_FINAL_TYPE (XunchaFeatureReader, xuncha_feature_reader, XUNCHA, FEATURE_READER, GObject)

GQuark               xuncha_feature_reader_error_quark    (void);

XunchaFeatureReader *xuncha_feature_reader_new            (GInputStream         *stream);

/* The next feature (a new reference in *@feature, not necessarily an object), or NULL at
 * the end of a document that proved to be a FeatureCollection with a features list.
 * FALSE with @error set otherwise; the reader is then done. */
gboolean             xuncha_feature_reader_next           (XunchaFeatureReader  *self,
                                                           JsonNode            **feature,
                                                           GError              **error);
/* The number of features read so far. */
guint                xuncha_feature_reader_get_count      (XunchaFeatureReader  *self);
/* After XUNCHA_FEATURE_READER_ERROR_WRONG_TYPE: what the document is instead, in the words
 * of a message ("an array", "a single value", "null", "an object without a type", or the
 * object's "type", such as "Feature"). */
const char          *xuncha_feature_reader_describe_root  (XunchaFeatureReader  *self);

G_END_DECLS
