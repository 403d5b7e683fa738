// libpng reports errors by longjmp, which Swift cannot catch: this file keeps the setjmp
// on the C side and hands Swift a plain status code.
#include "CPNGShim.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t length;
    size_t offset;
    char *error;
} reader_state;

static void read_bytes(png_structp png, png_bytep out, png_size_t count) {
    reader_state *state = (reader_state *)png_get_io_ptr(png);
    if (state->length - state->offset < count) {
        png_error(png, "file is truncated");
    }
    memcpy(out, state->data + state->offset, count);
    state->offset += count;
}

static void on_error(png_structp png, png_const_charp message) {
    reader_state *state = (reader_state *)png_get_error_ptr(png);
    snprintf(state->error, 256, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static int begin(const uint8_t *data, size_t length, reader_state *state, char *error,
                 png_structp *png, png_infop *info) {
    state->data = data;
    state->length = length;
    state->offset = 0;
    state->error = error;
    error[0] = 0;
    if (length < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, 256, "not a PNG signature");
        return -1;
    }
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_error, on_warning);
    if (*png == NULL) {
        snprintf(error, 256, "out of memory");
        return -1;
    }
    *info = png_create_info_struct(*png);
    if (*info == NULL) {
        png_destroy_read_struct(png, NULL, NULL);
        snprintf(error, 256, "out of memory");
        return -1;
    }
    png_set_read_fn(*png, state, read_bytes);
    // The caller checks dimensions against its own limit; lift libpng's default cap.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    return 0;
}

int cordon_png_read_size(const uint8_t *data, size_t length, uint32_t *width, uint32_t *height,
                         char error[256]) {
    reader_state state;
    png_structp png;
    png_infop info;
    if (begin(data, length, &state, error, &png, &info) != 0) return -1;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int cordon_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                      cordon_png_image *image) {
    reader_state state;
    png_structp png;
    png_infop info;
    memset(image, 0, sizeof(*image));
    if (begin(data, length, &state, image->error, &png, &info) != 0) return -1;
    // Locals changed after setjmp must be volatile to survive the longjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile row_pointers = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(row_pointers);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        snprintf(image->error, 256, "%ux%u is over the limit of %llu pixels", width, height,
                 (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return -2;
    }
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16) png_set_strip_16(png);
    // Transparency (tRNS or an alpha channel) is dropped: colours are kept as stored.
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    if (channels != 1 && channels != 3) {
        snprintf(image->error, 256, "unexpected %d channels after conversion", channels);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    size_t rowbytes = png_get_rowbytes(png, info);
    pixels = malloc(rowbytes * (size_t)height);
    row_pointers = malloc(sizeof(png_bytep) * (size_t)height);
    if (pixels == NULL || row_pointers == NULL) {
        snprintf(image->error, 256, "out of memory for %ux%u pixels", width, height);
        free(pixels);
        free(row_pointers);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    for (uint32_t y = 0; y < height; y++) row_pointers[y] = pixels + (size_t)y * rowbytes;
    png_read_image(png, row_pointers);
    png_read_end(png, NULL);
    free(row_pointers);
    png_destroy_read_struct(&png, &info, NULL);

    image->width = width;
    image->height = height;
    image->channels = channels;
    image->pixels = pixels;
    return 0;
}

void cordon_png_free(cordon_png_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}
