// The system zlib (Debian: zlib1g-dev; macOS ships it), used by GradData to inflate
// gzip-compressed data files as a stream.
#include <zlib.h>
