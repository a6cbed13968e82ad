/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha-enroll-link"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xuncha-enroll-link.h"

G_DEFINE_QUARK (xuncha-enroll-link-error-quark, xuncha_enroll_link_error)

#define PREFIX          XUNCHA_ENROLL_LINK_SCHEME ":?"
#define VERSION         "1"
#define SERVER_MAX      512
#define ID_MAX          64
#define PIN_PREFIX      "sha256//"
/* Base64 of a SHA-256: 32 bytes make 44 characters, the last one '='. */
#define PIN_BASE64_LEN  44

typedef enum
{
  MEMBER_VERSION,
  MEMBER_SERVER,
  MEMBER_OFFICER,
  MEMBER_CODE,
  MEMBER_PIN,
  N_MEMBERS
} Member;

static const char *const member_names[N_MEMBERS] = { "v", "server", "officer", "code", "pin" };

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *reason)
{
  g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID,
               _("The enrollment link's “%s” is not valid: %s"), member, reason);
  return FALSE;
}

/* A byte a value may hold as it is (RFC 3986's unreserved characters, and the sub-
 * delimiters, ':' and '@' of a query) but not '&', '=' and '%', which the link's own
 * structure uses, nor '?', '#' and '/' which a reader might take for more of a URI. */
static gboolean
is_plain_value_byte (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("-._~!$'()*+,;:@", c) != NULL;
}

/* The value of @member from @raw (@length bytes), its %XX escapes decoded: UTF-8 without
 * control characters, at most @max bytes. */
static char *
decode_value (const char  *member,
              const char  *raw,
              gsize        length,
              gsize        max,
              GError     **error)
{
  g_autoptr(GString) value = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar)raw[i];

      if (c == '%')
        {
          int high, low;

          if (i + 2 >= length)
            {
              invalid (error, member, _("a percent sign not followed by two hexadecimal digits"));
              return NULL;
            }
          high = g_ascii_xdigit_value (raw[i + 1]);
          low = g_ascii_xdigit_value (raw[i + 2]);
          if (high < 0 || low < 0)
            {
              invalid (error, member, _("a percent sign not followed by two hexadecimal digits"));
              return NULL;
            }
          g_string_append_c (value, (char)(high * 16 + low));
          i += 2;
        }
      else if (is_plain_value_byte (c))
        g_string_append_c (value, (char)c);
      else
        {
          invalid (error, member, _("a character that must be percent-encoded"));
          return NULL;
        }
      if (value->len > max)
        {
          g_autofree char *reason = g_strdup_printf (_("longer than %u bytes"), (guint)max);

          invalid (error, member, reason);
          return NULL;
        }
    }
  if (value->len == 0)
    {
      invalid (error, member, _("empty"));
      return NULL;
    }
  if (!g_utf8_validate_len (value->str, value->len, NULL))
    {
      invalid (error, member, _("not UTF-8 text"));
      return NULL;
    }
  for (const char *p = value->str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar u = g_utf8_get_char (p);

      if (g_unichar_iscntrl (u) || g_unichar_isspace (u))
        {
          invalid (error, member, _("a space or a control character"));
          return NULL;
        }
    }
  return g_string_free (g_steal_pointer (&value), FALSE);
}

/* An office address the device may enroll with: https, a host, no user, query or
 * fragment (which the base URL of every call could not carry). */
static gboolean
check_server (const char  *server,
              GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    return invalid (error, "server", _("not an https:// address"));
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return invalid (error, "server", _("no host name"));
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL)
    return invalid (error, "server", _("a user name, a query or a fragment"));
  return TRUE;
}

/* The office's codes are A–Z and 2–9 in groups joined by '-'; the link takes no other
 * spelling, so a code that reached it garbled is refused rather than tried. */
static gboolean
check_code (const char  *code,
            GError     **error)
{
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p) && *p != '-')
      return invalid (error, "code", _("only A–Z, 0–9 and - are allowed"));
  return TRUE;
}

static gboolean
check_pin (const char  *pin,
           GError     **error)
{
  const char *base64 = pin + strlen (PIN_PREFIX);
  g_autofree guchar *digest = NULL;
  gsize digest_length = 0;

  if (!g_str_has_prefix (pin, PIN_PREFIX) || strlen (base64) != PIN_BASE64_LEN
      || base64[PIN_BASE64_LEN - 1] != '=')
    return invalid (error, "pin", _("not sha256// and the 44 characters of a SHA-256 in base64"));
  for (const char *p = base64; *p != '\0' && *p != '='; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/')
      return invalid (error, "pin", _("not sha256// and the 44 characters of a SHA-256 in base64"));
  digest = g_base64_decode (base64, &digest_length);
  if (digest_length != 32)
    return invalid (error, "pin", _("not sha256// and the 44 characters of a SHA-256 in base64"));
  return TRUE;
}

XunchaEnrollLink *
xuncha_enroll_link_parse (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(XunchaEnrollLink) link = NULL;
  g_autoptr(GPtrArray) pins = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *version = NULL;
  gboolean seen[N_MEMBERS] = { FALSE, };
  gsize size;
  const char *p, *end;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = length < 0 ? strlen (text) : (gsize)length;
  if (size > XUNCHA_ENROLL_LINK_MAX_BYTES)
    {
      g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK,
                   _("This is not an enrollment link: it is longer than %u bytes."),
                   (guint)XUNCHA_ENROLL_LINK_MAX_BYTES);
      return NULL;
    }
  if (size < strlen (PREFIX) || g_ascii_strncasecmp (text, PREFIX, strlen (PREFIX)) != 0)
    {
      g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_NOT_A_LINK,
                   _("This is not an enrollment link: it does not start with %s."), PREFIX);
      return NULL;
    }

  link = g_new0 (XunchaEnrollLink, 1);
  p = text + strlen (PREFIX);
  end = text + size;
  while (p <= end)
    {
      const char *amp = memchr (p, '&', (gsize)(end - p));
      const char *stop = amp != NULL ? amp : end;
      const char *equals = memchr (p, '=', (gsize)(stop - p));
      Member member = N_MEMBERS;
      gsize max = ID_MAX;
      char *value;

      if (equals == NULL)
        {
          g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID,
                       _("The enrollment link has a part without a name and a value."));
          return NULL;
        }
      for (guint i = 0; i < N_MEMBERS; i++)
        if ((gsize)(equals - p) == strlen (member_names[i])
            && memcmp (p, member_names[i], (gsize)(equals - p)) == 0)
          member = i;
      if (member == N_MEMBERS)
        {
          g_autofree char *name = g_strndup (p, (gsize)(equals - p));

          /* Named as bytes of the link only when they are printable. */
          for (char *q = name; *q != '\0'; q++)
            if ((guchar)*q < 0x20 || (guchar)*q > 0x7e)
              *q = '?';
          g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID,
                       _("The enrollment link has “%s”, which it may not have."), name);
          return NULL;
        }
      if (seen[member] && member != MEMBER_PIN)
        {
          g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID,
                       _("The enrollment link has “%s” twice."), member_names[member]);
          return NULL;
        }
      seen[member] = TRUE;
      if (member == MEMBER_SERVER)
        max = SERVER_MAX;
      else if (member == MEMBER_PIN)
        max = strlen (PIN_PREFIX) + PIN_BASE64_LEN;
      value = decode_value (member_names[member], equals + 1, (gsize)(stop - equals - 1), max,
                            error);
      if (value == NULL)
        return NULL;
      switch (member)
        {
        case MEMBER_VERSION:
          version = value;
          break;
        case MEMBER_SERVER:
          link->server = value;
          break;
        case MEMBER_OFFICER:
          link->officer = value;
          break;
        case MEMBER_CODE:
          link->code = value;
          break;
        case MEMBER_PIN:
        case N_MEMBERS:
        default:
          g_ptr_array_add (pins, value);
          break;
        }
      if (pins->len > XUNCHA_ENROLL_LINK_MAX_PINS)
        {
          g_autofree char *reason = g_strdup_printf (_("more than %u of them"),
                                                     (guint)XUNCHA_ENROLL_LINK_MAX_PINS);

          invalid (error, "pin", reason);
          return NULL;
        }
      if (amp == NULL)
        break;
      p = amp + 1;
    }

  for (guint i = 0; i < N_MEMBERS; i++)
    if (!seen[i] && i != MEMBER_PIN)
      {
        g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_INVALID,
                     _("The enrollment link lacks “%s”."), member_names[i]);
        return NULL;
      }
  if (!g_str_equal (version, VERSION))
    {
      g_set_error (error, XUNCHA_ENROLL_LINK_ERROR, XUNCHA_ENROLL_LINK_ERROR_VERSION,
                   _("The enrollment link is of version %s; this version of Xuncha reads "
                     "version %s. Update the app."), version, VERSION);
      return NULL;
    }
  if (!check_server (link->server, error) || !check_code (link->code, error))
    return NULL;
  for (guint i = 0; i < pins->len; i++)
    if (!check_pin (pins->pdata[i], error))
      return NULL;
  if (pins->len > 0)
    {
      g_ptr_array_add (pins, NULL);
      link->pins = (GStrv)g_ptr_array_free (g_steal_pointer (&pins), FALSE);
    }
  return g_steal_pointer (&link);
}

static void
append_member (GString    *link,
               const char *name,
               const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (link, "&%s=%s", name, escaped);
}

char *
xuncha_enroll_link_encode (const char          *server,
                           const char          *officer,
                           const char          *code,
                           const char * const  *pins,
                           GError             **error)
{
  g_autoptr(GString) link = g_string_new (PREFIX "v=" VERSION);
  g_autoptr(XunchaEnrollLink) check = NULL;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (officer != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  append_member (link, "server", server);
  append_member (link, "officer", officer);
  append_member (link, "code", code);
  for (guint i = 0; pins != NULL && pins[i] != NULL; i++)
    append_member (link, "pin", pins[i]);
  /* What is written is what the reader takes: one rule, on both sides. */
  check = xuncha_enroll_link_parse (link->str, (gssize)link->len, error);
  if (check == NULL)
    return NULL;
  return g_string_free (g_steal_pointer (&link), FALSE);
}

char *
xuncha_enroll_link_dup_pins (const XunchaEnrollLink *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->pins != NULL ? g_strjoinv (";", self->pins) : NULL;
}

void
xuncha_enroll_link_free (XunchaEnrollLink *self)
{
  if (self == NULL)
    return;
  g_free (self->server);
  g_free (self->officer);
  if (self->code != NULL)
    memset (self->code, 0, strlen (self->code));
  g_free (self->code);
  g_strfreev (self->pins);
  g_free (self);
}
