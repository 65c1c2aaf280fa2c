#include "silt/preview/Preview.h"

#include "PreviewApp.h"

namespace silt::preview {

Result<PreviewReport> runPreview(const PreviewOptions& options) {
    auto app = PreviewApp::create(options);
    if (!app) return app.error();
    return (*app)->run();
}

}  // namespace silt::preview
