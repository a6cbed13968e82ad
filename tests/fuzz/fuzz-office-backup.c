/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office's backup reader (xuncha-office restore reads a file from anywhere): any bytes
 * are verified or refused with a backup error, within the reader's limits; a file that
 * verifies hands out exactly the records and photos it counted, each matching its
 * checksum again as it is copied. */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "xuncha-fuzz.h"
#include "xuncha-office-backup-error.h"
#include "xuncha-office-backup-reader.h"

/* The reader reads a file (twice, at offsets): one scratch file for the run. */
static int scratch = -1;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  xuncha_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(XunchaOfficeBackupReader) reader = NULL;
  g_auto(XunchaOfficeBackupContents) contents = { { 0, }, };
  g_autoptr(GError) error = NULL;
  guint64 photos = 0, photo_bytes = 0, records = 0;

  if (scratch < 0)
    {
      g_autofree char *name = NULL;

      scratch = g_file_open_tmp ("xuncha-fuzz-backup-XXXXXX", &name, NULL);
      XUNCHA_FUZZ_CHECK (scratch >= 0);
      g_unlink (name);
    }
  XUNCHA_FUZZ_CHECK (ftruncate (scratch, 0) == 0);
  XUNCHA_FUZZ_CHECK (pwrite (scratch, data, size, 0) == (ssize_t)size);
  reader = xuncha_office_backup_reader_new_for_fd (dup (scratch), "input", &error);
  XUNCHA_FUZZ_CHECK (reader != NULL);
  if (!xuncha_office_backup_reader_verify (reader, &contents, &error))
    {
      XUNCHA_FUZZ_CHECK (error != NULL && error->domain == XUNCHA_OFFICE_BACKUP_ERROR);
      return 0;
    }

  for (;;)
    {
      XunchaOfficeBackupEntry entry;
      gboolean done = FALSE;

      XUNCHA_FUZZ_CHECK (xuncha_office_backup_reader_next (reader, &entry, &done, NULL));
      if (done)
        break;
      XUNCHA_FUZZ_CHECK (xuncha_office_backup_reader_copy (reader, -1, NULL));
      if (entry.kind == XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO)
        {
          XUNCHA_FUZZ_CHECK (entry.size <= XUNCHA_OFFICE_BACKUP_MAX_PHOTO_BYTES);
          photos++;
          photo_bytes += entry.size;
        }
      else
        {
          XUNCHA_FUZZ_CHECK (entry.kind == XUNCHA_OFFICE_BACKUP_MEMBER_SQLITE
                             || entry.kind == XUNCHA_OFFICE_BACKUP_MEMBER_PG);
          XUNCHA_FUZZ_CHECK (photos == 0);
          records++;
        }
    }
  XUNCHA_FUZZ_CHECK (photos == contents.photos && photo_bytes == contents.photo_bytes);
  XUNCHA_FUZZ_CHECK (records == (contents.info.records != XUNCHA_OFFICE_BACKUP_RECORDS_NONE));
  return 0;
}
