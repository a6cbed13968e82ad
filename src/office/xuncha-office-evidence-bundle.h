/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xuncha-office-photo-store.h"
#include "xuncha-office-records.h"

G_BEGIN_DECLS

/* Where a bundle's files go: the file @name (a relative path, "manifests/1.json") with
 * @data. A folder for `xuncha-office evidence export`, a zip for the console. */
typedef gboolean (*XunchaOfficeEvidenceBundleWrite) (const char  *name,
                                                     GBytes      *data,
                                                     gpointer     user_data,
                                                     GError     **error);

/* Where a bundle's photo goes, for a sink that reads it from the photo store itself when
 * its turn comes (the console's zip, piece by piece): the file @name is the photo @sha256
 * of @size bytes, which the store held when this was called. */
typedef gboolean (*XunchaOfficeEvidenceBundlePhoto) (const char  *name,
                                                     const char  *sha256,
                                                     gint64       size,
                                                     gpointer     user_data,
                                                     GError     **error);

/* Writes report @uuid's evidence bundle (docs/evidence.md, "Bundles": what a person
 * without the office's database checks the report with, offline, by `xuncha-cli evidence
 * verify`) through @write: every signed manifest and its signature, each signing key with
 * its enrollment, the photos (through @write_photo instead where given), the receipt and a
 * README. @manifests (nullable): the
 * manifests written (XunchaOfficeEvidenceRecord), for a word on a chain break. Error
 * G_IO_ERROR_NOT_FOUND for a report without signed manifests or a key the office does not
 * hold; the records' and the photo store's errors as they are. */
gboolean xuncha_office_evidence_bundle_write (XunchaOfficeRecords              *records,
                                              XunchaOfficePhotoStore           *photos,
                                              const char                       *uuid,
                                              XunchaOfficeEvidenceBundleWrite   write,
                                              XunchaOfficeEvidenceBundlePhoto   write_photo,
                                              gpointer                          user_data,
                                              GPtrArray                       **manifests,
                                              GError                          **error);

G_END_DECLS
