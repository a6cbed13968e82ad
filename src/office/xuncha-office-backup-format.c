/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-office"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xuncha-office-backup-error.h"
#include "xuncha-office-backup-format.h"
#include "xuncha-protocol.h"

/* Offsets and widths of the ustar header fields a backup uses. */
#define NAME_AT      0
#define NAME_LEN     100
#define MODE_AT      100
#define UID_AT       108
#define GID_AT       116
#define SIZE_AT      124
#define SIZE_LEN     12
#define MTIME_AT     136
#define MTIME_LEN    12
#define CHKSUM_AT    148
#define CHKSUM_LEN   8
#define TYPE_AT      156
#define LINKNAME_AT  157
#define LINKNAME_LEN 100
#define MAGIC_AT     257
#define VERSION_AT   263
#define PREFIX_AT    345
#define PREFIX_LEN   155

#define INFO_FIRST_LINE "Xuncha office backup"

void
xuncha_office_backup_info_clear (XunchaOfficeBackupInfo *info)
{
  g_clear_pointer (&info->created_at, g_free);
  g_clear_pointer (&info->office_version, g_free);
}

const char *
xuncha_office_backup_records_name (XunchaOfficeBackupRecords records)
{
  switch (records)
    {
    case XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE:
      return "sqlite";
    case XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL:
      return "postgresql";
    case XUNCHA_OFFICE_BACKUP_RECORDS_NONE:
    default:
      return "none";
    }
}

char *
xuncha_office_backup_info_to_text (const XunchaOfficeBackupInfo *info)
{
  return g_strdup_printf (INFO_FIRST_LINE "\n"
                          "format %u\n"
                          "records %s\n"
                          "schema %d\n"
                          "created %s\n"
                          "office %s\n",
                          info->format, xuncha_office_backup_records_name (info->records),
                          info->schema, info->created_at, info->office_version);
}

/* A value written by an office: printable ASCII, short. */
static gboolean
is_plain_value (const char *value)
{
  gsize n = strlen (value);

  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isgraph (value[i]))
      return FALSE;
  return TRUE;
}

static gboolean
info_damaged (GError     **error,
              const char  *what)
{
  g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,
               _("its description (%s) is not one a xuncha-office writes: %s"),
               XUNCHA_OFFICE_BACKUP_INFO_NAME, what);
  return FALSE;
}

gboolean
xuncha_office_backup_info_parse (const char              *text,
                                 gsize                    length,
                                 XunchaOfficeBackupInfo  *info,
                                 GError                 **error)
{
  static const char * const keys[] = { "format", "records", "schema", "created", "office" };
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 format = 0;
  gint64 schema = 0;

  memset (info, 0, sizeof *info);
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, length, NULL))
    return info_damaged (error, "not text");
  copy = g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);
  /* The first line, then the keys in their order, then the empty string after the last
   * newline: nothing more, nothing less. */
  if (g_strv_length (lines) != G_N_ELEMENTS (keys) + 2 || !g_str_equal (lines[0], INFO_FIRST_LINE)
      || lines[G_N_ELEMENTS (keys) + 1][0] != '\0')
    return info_damaged (error, "not its lines");
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *line = lines[i + 1];
      gsize key_len = strlen (keys[i]);
      const char *value = line + key_len + 1;

      if (strncmp (line, keys[i], key_len) != 0 || line[key_len] != ' '
          || !is_plain_value (value))
        return info_damaged (error, keys[i]);
      switch (i)
        {
        case 0:
          if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &format, NULL))
            return info_damaged (error, keys[i]);
          /* A newer format is said as such before anything else is read into it. */
          if (format > XUNCHA_OFFICE_BACKUP_FORMAT)
            {
              g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_NEWER,
                           _("it was made by a newer xuncha-office (backup format %u; this one "
                             "reads format %d): restore it with that xuncha-office"),
                           (guint)format, XUNCHA_OFFICE_BACKUP_FORMAT);
              return FALSE;
            }
          info->format = (guint)format;
          break;
        case 1:
          if (g_str_equal (value, "sqlite"))
            info->records = XUNCHA_OFFICE_BACKUP_RECORDS_SQLITE;
          else if (g_str_equal (value, "postgresql"))
            info->records = XUNCHA_OFFICE_BACKUP_RECORDS_POSTGRESQL;
          else if (g_str_equal (value, "none"))
            info->records = XUNCHA_OFFICE_BACKUP_RECORDS_NONE;
          else
            return info_damaged (error, keys[i]);
          break;
        case 2:
          if (!g_ascii_string_to_signed (value, 10, 0, 1000000, &schema, NULL))
            return info_damaged (error, keys[i]);
          info->schema = (int)schema;
          break;
        case 3:
          info->created_at = g_strdup (value);
          break;
        case 4:
        default:
          info->office_version = g_strdup (value);
          break;
        }
    }
  return TRUE;
}

XunchaOfficeBackupMember
xuncha_office_backup_member_kind (const char *name)
{
  gsize n = strlen (name);

  if (g_str_equal (name, XUNCHA_OFFICE_BACKUP_INFO_NAME))
    return XUNCHA_OFFICE_BACKUP_MEMBER_INFO;
  if (g_str_equal (name, XUNCHA_OFFICE_BACKUP_SQLITE_NAME))
    return XUNCHA_OFFICE_BACKUP_MEMBER_SQLITE;
  if (g_str_equal (name, XUNCHA_OFFICE_BACKUP_PG_NAME))
    return XUNCHA_OFFICE_BACKUP_MEMBER_PG;
  if (g_str_equal (name, XUNCHA_OFFICE_BACKUP_MANIFEST_NAME))
    return XUNCHA_OFFICE_BACKUP_MEMBER_MANIFEST;
  /* photos/ + 64 lowercase hex digits + .jpg: the name the office gives a photo. */
  if (n == 7 + 64 + 4 && g_str_has_prefix (name, "photos/") && g_str_has_suffix (name, ".jpg"))
    {
      char sha[65];

      memcpy (sha, name + 7, 64);
      sha[64] = '\0';
      if (xuncha_protocol_is_sha256 (sha))
        return XUNCHA_OFFICE_BACKUP_MEMBER_PHOTO;
    }
  return XUNCHA_OFFICE_BACKUP_MEMBER_INVALID;
}

static void
put_octal (guint8  *field,
           gsize    width,
           guint64  value)
{
  /* width - 1 digits, zero-padded, then NUL. */
  for (gsize i = width - 1; i > 0; i--)
    {
      field[i - 1] = (guint8)('0' + (value & 7));
      value >>= 3;
    }
  field[width - 1] = '\0';
}

void
xuncha_office_backup_header_encode (guint8      block[512],
                                    const char *name,
                                    guint64     size,
                                    gint64      mtime)
{
  guint sum = 0;

  g_return_if_fail (strlen (name) < NAME_LEN);

  memset (block, 0, XUNCHA_OFFICE_BACKUP_BLOCK);
  memcpy (block + NAME_AT, name, strlen (name));
  put_octal (block + MODE_AT, 8, 0600);
  put_octal (block + UID_AT, 8, 0);
  put_octal (block + GID_AT, 8, 0);
  if (size < (G_GUINT64_CONSTANT (1) << 33))
    put_octal (block + SIZE_AT, SIZE_LEN, size);
  else
    {
      /* Base 256, big-endian, the first byte's top bit set: what GNU tar writes for a
       * member of 8 GiB or more (a city's pg_dump can be). */
      block[SIZE_AT] = 0x80;
      for (gsize i = SIZE_LEN - 1; i > 0; i--)
        {
          block[SIZE_AT + i] = (guint8)(size & 0xff);
          size >>= 8;
        }
    }
  put_octal (block + MTIME_AT, MTIME_LEN, (guint64)MAX (mtime, 0));
  block[TYPE_AT] = '0';
  memcpy (block + MAGIC_AT, "ustar", 6);
  memcpy (block + VERSION_AT, "00", 2);
  memset (block + CHKSUM_AT, ' ', CHKSUM_LEN);
  for (guint i = 0; i < XUNCHA_OFFICE_BACKUP_BLOCK; i++)
    sum += block[i];
  /* Six digits, NUL, space: as tar writes it. */
  put_octal (block + CHKSUM_AT, 7, sum);
  block[CHKSUM_AT + 7] = ' ';
}

gboolean
xuncha_office_backup_header_is_zero (const guint8 block[512])
{
  for (guint i = 0; i < XUNCHA_OFFICE_BACKUP_BLOCK; i++)
    if (block[i] != 0)
      return FALSE;
  return TRUE;
}

/* An octal field: optional leading spaces, digits, then NUL or spaces to its end. */
static gboolean
get_octal (const guint8 *field,
           gsize         width,
           guint64      *value)
{
  gsize i = 0;
  guint digits = 0;

  *value = 0;
  while (i < width && field[i] == ' ')
    i++;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; i++, digits++)
    {
      if (*value > (G_MAXUINT64 >> 3))
        return FALSE;
      *value = (*value << 3) | (guint64)(field[i] - '0');
    }
  if (digits == 0)
    return FALSE;
  for (; i < width; i++)
    if (field[i] != '\0' && field[i] != ' ')
      return FALSE;
  return TRUE;
}

static gboolean
get_size (const guint8 *field,
          guint64      *value)
{
  if ((field[0] & 0x80) == 0)
    return get_octal (field, SIZE_LEN, value);
  /* Base 256: positive only (0x80), and within 63 bits. */
  if (field[0] != 0x80)
    return FALSE;
  *value = 0;
  for (gsize i = 1; i < SIZE_LEN; i++)
    {
      if (*value > (G_MAXINT64 >> 8))
        return FALSE;
      *value = (*value << 8) | field[i];
    }
  return TRUE;
}

static gboolean
all_zero (const guint8 *field,
          gsize         width)
{
  for (gsize i = 0; i < width; i++)
    if (field[i] != 0)
      return FALSE;
  return TRUE;
}

/* The name as it can be shown: escaped, so that control characters and bytes that are
 * not UTF-8 in a hostile name reach no terminal as they are. */
static char *
shown_name (const guint8 *field)
{
  g_autofree char *raw = g_strndup ((const char *)field, NAME_LEN);

  return g_strescape (raw, NULL);
}

/* A name that would land outside the folder it is unpacked in. */
static gboolean
climbs_out (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name[0] == '/')
    return TRUE;
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return TRUE;
  return FALSE;
}

gboolean
xuncha_office_backup_header_decode (const guint8              block[512],
                                    XunchaOfficeBackupHeader *header,
                                    GError                  **error)
{
  guint64 stored = 0, sum = 0, mtime = 0;
  g_autofree char *shown = shown_name (block + NAME_AT);
  guint8 type = block[TYPE_AT];

  memset (header, 0, sizeof *header);
  for (guint i = 0; i < XUNCHA_OFFICE_BACKUP_BLOCK; i++)
    sum += (i >= CHKSUM_AT && i < CHKSUM_AT + CHKSUM_LEN) ? ' ' : block[i];
  if (!get_octal (block + CHKSUM_AT, CHKSUM_LEN, &stored) || stored != sum
      || memcmp (block + MAGIC_AT, "ustar", 6) != 0 || memcmp (block + VERSION_AT, "00", 2) != 0)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,
                   _("a member's header does not match its checksum"));
      return FALSE;
    }

  if (type == '1' || type == '2')
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds a link (“%s”), which a backup never has"), shown);
      return FALSE;
    }
  if (type == '5')
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds a folder (“%s”), which a backup never has"), shown);
      return FALSE;
    }
  if (type != '0' && type != '\0')
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds a member of a kind a backup never has (type “%c”, “%s”)"),
                   g_ascii_isprint (type) ? type : '?', shown);
      return FALSE;
    }
  if (!all_zero (block + LINKNAME_AT, LINKNAME_LEN) || !all_zero (block + PREFIX_AT, PREFIX_LEN)
      || memchr (block + NAME_AT, '\0', NAME_LEN) == NULL)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds a member named longer than a backup's names (“%s”)"), shown);
      return FALSE;
    }

  memcpy (header->name, block + NAME_AT, NAME_LEN);
  header->name[NAME_LEN] = '\0';
  if (climbs_out (header->name))
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds “%s”, a name that points outside the folder it would be "
                     "restored to"), shown);
      return FALSE;
    }
  if (xuncha_office_backup_member_kind (header->name) == XUNCHA_OFFICE_BACKUP_MEMBER_INVALID)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_REFUSED,
                   _("it holds “%s”, a name a backup never has"), shown);
      return FALSE;
    }

  if (!get_size (block + SIZE_AT, &header->size) || !get_octal (block + MTIME_AT, MTIME_LEN, &mtime)
      || mtime > G_MAXINT64)
    {
      g_set_error (error, XUNCHA_OFFICE_BACKUP_ERROR, XUNCHA_OFFICE_BACKUP_ERROR_DAMAGED,
                   _("the header of “%s” does not give a size and a time"), shown);
      return FALSE;
    }
  header->mtime = (gint64)mtime;
  return TRUE;
}

char *
xuncha_office_backup_manifest_line (const char *sha256,
                                    guint64     size,
                                    gint64      mtime_ns,
                                    const char *name)
{
  return g_strdup_printf ("%s %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %s", sha256, size,
                          mtime_ns, name);
}

gboolean
xuncha_office_backup_manifest_parse (const char *line,
                                     char       *sha256,
                                     guint64    *size,
                                     gint64     *mtime_ns,
                                     char       *name)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  guint64 bytes = 0;
  gint64 when = 0;

  if (g_strv_length (fields) != 4 || !xuncha_protocol_is_sha256 (fields[0])
      || !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXINT64, &bytes, NULL)
      || !g_ascii_string_to_signed (fields[2], 10, 0, G_MAXINT64, &when, NULL)
      || strlen (fields[3]) > NAME_LEN
      || xuncha_office_backup_member_kind (fields[3]) == XUNCHA_OFFICE_BACKUP_MEMBER_INVALID)
    return FALSE;
  memcpy (sha256, fields[0], 65);
  *size = bytes;
  *mtime_ns = when;
  strcpy (name, fields[3]);
  return TRUE;
}
