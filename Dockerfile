# The connector's image for those who build with Docker:
#   docker build -t airbyte/destination-aws-datalake:0.2.0 .
# It is the image `make image` builds without a container engine, made by the same script from
# the same Debian 12 packages: the build stage compiles the connector and lays out the image's
# file tree, and the image is that tree alone. tests/e2e/image.test.mjs checks that the settings
# below match the ones of `make image`.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DDATALAKE_BUILD_TESTS=OFF \
      -DDATALAKE_BUILD_BENCH=OFF \
 && cmake --build /build -j "$(nproc)" --target destination-aws-datalake \
 && python3 scripts/image.py /build/destination-aws-datalake /build/image.tar --rootfs /rootfs

FROM scratch
COPY --from=build /rootfs/ /
# COPY makes everything root's; the working directory belongs to the connector's user.
COPY --from=build --chown=1000:1000 /rootfs/airbyte /airbyte
USER 1000:1000
WORKDIR /airbyte
ENV PATH=/usr/local/bin:/usr/bin:/bin
ENV AIRBYTE_ENTRYPOINT=/usr/local/bin/destination-aws-datalake
ENTRYPOINT ["/usr/local/bin/destination-aws-datalake"]
# The version `destination-aws-datalake --version` prints (CMake's project version).
LABEL io.airbyte.name=airbyte/destination-aws-datalake
LABEL io.airbyte.version=0.2.0
LABEL org.opencontainers.image.title=airbyte/destination-aws-datalake
LABEL org.opencontainers.image.version=0.2.0
LABEL org.opencontainers.image.licenses=MIT
