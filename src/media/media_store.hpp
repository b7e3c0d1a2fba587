// Store calls for media rows (media.hpp) and the post_media links. Every
// org-facing call takes the owning OrgId first; another organisation's asset
// — or a deleted one — reads as missing. Run inside the caller's connection
// or transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "media/media.hpp"
#include "store/database.hpp"

namespace postfuze::media {

core::Status insert_media(store::Connection& c, const Media& m);

// Deleted assets read as missing.
core::Result<std::optional<Media>> find_media(store::Connection& c, const core::OrgId& org, std::string_view id);
// Any asset by id, deleted included: for workers that hold a job for it.
core::Result<std::optional<Media>> load_media(store::Connection& c, std::string_view id);

struct MediaFilter {
  std::optional<std::string> status;
  std::optional<std::string> kind;
};
struct MediaPage {
  std::vector<Media> items;
  std::int64_t total = 0;
};
// Newest first (created_at DESC, id DESC), offset pagination (contract §8).
core::Result<MediaPage> list_media(store::Connection& c, const core::OrgId& org, const MediaFilter& filter,
                                   std::int64_t offset, int limit);

// Writes every mutable column of `m` when the stored version is
// `m.version`, and bumps it (m.version + 1). false when another writer got
// there first (nothing written).
core::Result<bool> save_media(store::Connection& c, const Media& m, core::TimePoint now);

// Links a post to the media its containers use (replacing earlier links).
core::Status link_post_media(store::Connection& c, const core::OrgId& org, std::string_view post_id,
                             const std::vector<std::string>& media_ids);
// Whether a post that has not settled (draft, scheduled, queued, publishing)
// references the asset.
core::Result<bool> used_by_unsettled_post(store::Connection& c, const core::OrgId& org, std::string_view media_id);

// Assets whose purge_at has passed, not deleted, no unsettled post using them.
core::Result<std::vector<Media>> purge_candidates(store::Connection& c, core::TimePoint now, int limit);

}  // namespace postfuze::media
