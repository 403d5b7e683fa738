#ifndef CPNGSHIM_H
#define CPNGSHIM_H

#include <stddef.h>
#include <stdint.h>

/// The result of decoding one PNG with libpng. `pixels` is malloc'd (free with
/// cordon_png_free); `channels` is 1 (grey) or 3 (RGB); `error` holds libpng's message when
/// the call returns non-zero.
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;
    uint8_t *pixels;
    char error[256];
} cordon_png_image;

/// Reads the size only. Returns 0 on success.
int cordon_png_read_size(const uint8_t *data, size_t length, uint32_t *width, uint32_t *height,
                         char error[256]);

/// Decodes to 8-bit grey or RGB: palettes expand to RGB, 1/2/4-bit grey to 8-bit, 16-bit
/// keeps the high byte, alpha is dropped (colours kept as stored), grey stays one channel.
/// Refuses images with more than `max_pixels` pixels. Returns 0 on success.
int cordon_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                      cordon_png_image *image);

void cordon_png_free(cordon_png_image *image);

#endif
