"""misquiz: a self-assessment on nine misconceptions about social media in business."""
