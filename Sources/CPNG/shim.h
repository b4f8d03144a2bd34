// libpng's simplified API (1.6) for Swift; the format macros are combinations of flags that do not
// import, so they come from inline functions.
#ifndef CNN_TUI_CPNG_SHIM_H
#define CNN_TUI_CPNG_SHIM_H
#include <png.h>
#include <stdlib.h>
#include <string.h>

static inline png_uint_32 cnn_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline png_uint_32 cnn_png_flag_color(void) { return PNG_FORMAT_FLAG_COLOR; }
static inline png_uint_32 cnn_png_image_version(void) { return PNG_IMAGE_VERSION; }

/// Decodes a PNG held in memory into 8-bit RGBA. Returns 0 and fills `message` (at least 64
/// bytes) on failure, 2 (with the size) for an image of more than `max_pixels` pixels, which
/// is not decoded; `is_color` tells whether the file was in color.
static inline int cnn_png_decode_rgba(const void *data, size_t size, size_t max_pixels, png_bytep *out, png_uint_32 *width,
                                      png_uint_32 *height, int *is_color, char *message) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        strncpy(message, image.message, 63); message[63] = 0;
        return 0;
    }
    *is_color = (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
    if ((size_t)image.width * image.height > max_pixels) {
        *width = image.width;
        *height = image.height;
        png_image_free(&image);
        return 2;
    }
    // 16-bit files: libpng would gamma-encode them on the way to 8 bits; read them as 16-bit
    // values (no alpha) and scale, so a sample v becomes round(v * 255 / 65535).
    int sixteen = (image.format & PNG_FORMAT_FLAG_LINEAR) != 0;
    image.format = sixteen ? PNG_FORMAT_LINEAR_RGB : PNG_FORMAT_RGBA;
    void *buffer = malloc(PNG_IMAGE_SIZE(image));
    if (buffer == NULL) { png_image_free(&image); strcpy(message, "out of memory"); return 0; }
    if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
        strncpy(message, image.message, 63); message[63] = 0;
        free(buffer);
        return 0;
    }
    if (sixteen) {
        size_t pixels = (size_t)image.width * image.height;
        png_uint_16 *wide = (png_uint_16 *)buffer;
        png_bytep rgba = (png_bytep)malloc(pixels * 4);
        if (rgba == NULL) { free(buffer); strcpy(message, "out of memory"); return 0; }
        for (size_t p = 0; p < pixels; p++) {
            for (int c = 0; c < 3; c++) rgba[4 * p + c] = (png_byte)((wide[3 * p + c] * 255u + 32767u) / 65535u);
            rgba[4 * p + 3] = 255;
        }
        free(buffer);
        buffer = rgba;
    }
    *out = (png_bytep)buffer;
    *width = image.width;
    *height = image.height;
    return 1;
}
#endif
