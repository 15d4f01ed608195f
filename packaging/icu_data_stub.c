/* An empty ICU data library, the equivalent of ICU's own "stubdata" build.
 *
 * Qt's wheels link ICU, whose libicudata (~31 MB) holds collation, legacy codec and
 * locale tables. Qt uses them only for QCollator, QLocale::toUpper/toLower and non-UTF
 * QStringConverter codecs, none of which the annotator calls (Python decodes files;
 * Qt draws and breaks text with its own Unicode tables). With this stub ICU loads,
 * finds no data, and those Qt calls fall back to Qt's own behaviour.
 * Built by annotator.spec:  cc -shared -fPIC -DICU_VERSION=73 -o libicudata.so.73 ...
 */

#ifndef ICU_VERSION
#error "define ICU_VERSION, e.g. -DICU_VERSION=73"
#endif

#define PASTE(a, b, c) a##b##c
#define ENTRY_POINT(version) PASTE(icudt, version, _dat)

typedef struct {
    unsigned short header_size;
    unsigned char magic1, magic2;
    /* UDataInfo */
    unsigned short info_size, reserved_word;
    unsigned char is_big_endian, charset_family, sizeof_uchar, reserved_byte;
    unsigned char data_format[4], format_version[4], data_version[4];
    unsigned char padding[8];
    /* an empty table of contents */
    unsigned int count, reserved;
    unsigned int entries[4];
} IcuDataHeader;

__attribute__((visibility("default"))) const IcuDataHeader ENTRY_POINT(ICU_VERSION) = {
    32, 0xda, 0x27,
    20, 0,
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    1,
#else
    0,
#endif
    0 /* ASCII family */, 2 /* sizeof(UChar) */, 0,
    {0x54, 0x6f, 0x43, 0x50} /* "ToCP" */, {1, 0, 0, 0}, {0, 0, 0, 0},
    {0}, 0, 0, {0, 0, 0, 0},
};
